// Child process of crash.test.ts: records generated frames as fast as it can, with a short flush interval,
// and prints how many records have reached the OS after every flush, until its parent SIGKILLs it.
// Plain ESM on the compiled packages (built by the test's beforeAll), no jest, no transpiler.
import { createRecorder } from '../../packages/recorder/dist/index.js';
import { encodeFrame, messageFactory } from '../../packages/testing/dist/index.js';

const [path, flushIntervalMs = '10'] = process.argv.slice(2);
const recorder = createRecorder(path, { flushIntervalMs: Number(flushIntervalMs), flushBytes: 64 * 1024 });
const f = messageFactory();
let i = 0;
let reported = -1;

function burst() {
  for (let k = 0; k < 20; k++, i++) {
    const bytes = encodeFrame({
      logId: String(i),
      response: { needAck: true, messages: [f.chat(`viewer${i % 7}`, `frame ${i}`), f.like('x', 1, i)] },
    });
    recorder.write({ direction: 'in', connection: 1, bytes, at: Date.now() });
    recorder.write({ direction: 'out', connection: 1, bytes: Uint8Array.of(0x10, i & 0x7f), at: Date.now() });
  }
  const { recordsFlushed, bytesFlushed } = recorder.stats;
  if (recordsFlushed !== reported) {
    reported = recordsFlushed;
    process.stdout.write(`${JSON.stringify({ recordsFlushed, bytesFlushed })}\n`);
  }
  // setImmediate, not a tight loop: the flush timer and write callbacks must get their turn.
  setImmediate(burst);
}
burst();
