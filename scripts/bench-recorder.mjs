// Recorder benchmark: recording throughput (MB/s, frames/s) and memory (RSS, heapUsed sampled) over a long
// generated session, then reader throughput over the same file. Runs on the compiled packages (npm run build).
//   node scripts/bench-recorder.mjs [frames=200000]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { ackFor, decodeFrame, HEARTBEAT_FRAME, unpackResponse } from '../packages/core/dist/index.js';
import { encodeFrame, messageFactory } from '../packages/testing/dist/index.js';
import { createRecorder, RecordingReader } from '../packages/recorder/dist/index.js';

const FRAMES = Number(process.argv[2] ?? 200_000);
// Distinct frames generated up front and cycled, so the benchmark measures the recorder, not the builders.
const POOL_SIZE = 2_000;
// Frames written between yields to the event loop (a live socket delivers in small bursts too).
const BURST = 500;
const MB = 1024 * 1024;

function framePool() {
  const f = messageFactory();
  const names = ['小明', '阿花', '老王', 'viewer', '用户***'];
  const pool = [];
  for (let i = 0; i < POOL_SIZE; i++) {
    const who = names[i % names.length];
    const bytes = encodeFrame({
      logId: String(7_000_000_000_000_000_000n + BigInt(i)),
      response: {
        needAck: i % 2 === 0,
        internalExt: `internal_src:dim|wss_push_room_id:7400000000000000001|seq:${i}`,
        cursor: `t-${i}`,
        messages: [
          f.chat(who, `弹幕内容 ${i} `.repeat(1 + (i % 4))),
          f.like(who, 3, i * 3),
          i % 3 === 0 ? f.gift({ user: who, repeatCount: 1 + (i % 5), groupId: String(i) }) : f.member(who, 1000 + i),
        ],
      },
    });
    pool.push({ bytes, ack: ackFor(unpackResponse(decodeFrame(bytes))) });
  }
  return pool;
}

class MemorySampler {
  constructor() {
    global.gc?.();
    const m = process.memoryUsage();
    this.base = m;
    this.peakRss = m.rss;
    this.peakHeap = m.heapUsed;
    this.samples = [];
  }
  sample() {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
    this.samples.push(m.heapUsed);
  }
  /** heapUsed over the last quarter of the run minus the first quarter: ~0 when memory stays flat. */
  drift() {
    const q = Math.max(1, Math.floor(this.samples.length / 4));
    const avg = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
    return avg(this.samples.slice(-q)) - avg(this.samples.slice(0, q));
  }
}

async function record(path, pool, options) {
  const recorder = createRecorder(path, { flushIntervalMs: 200, ...options });
  const mem = new MemorySampler();
  const t0 = performance.now();
  let at = Date.now();
  for (let i = 0; i < FRAMES; i++) {
    const { bytes, ack } = pool[i % pool.length];
    at += 1;
    recorder.write({ direction: 'in', connection: 1, bytes, at });
    if (ack) recorder.write({ direction: 'out', connection: 1, bytes: ack, at });
    if (i % 10 === 9) recorder.write({ direction: 'out', connection: 1, bytes: HEARTBEAT_FRAME, at });
    if (i % BURST === BURST - 1) {
      mem.sample();
      await yieldToLoop();
    }
  }
  const stats = await recorder.end();
  const seconds = (performance.now() - t0) / 1000;
  mem.sample();
  return { stats, seconds, mem };
}

async function read(path) {
  const mem = new MemorySampler();
  const t0 = performance.now();
  let records = 0;
  let frameBytes = 0;
  for await (const r of new RecordingReader(path)) {
    records++;
    if (r.kind === 'in' || r.kind === 'out') frameBytes += r.bytes.length;
    if (records % 5000 === 0) mem.sample();
  }
  const seconds = (performance.now() - t0) / 1000;
  mem.sample();
  return { records, frameBytes, seconds, mem };
}

const fmt = (n, d = 1) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const mib = (n) => `${fmt(n / MB)} MiB`;

const dir = mkdtempSync(join(tmpdir(), 'dyrec-bench-'));
try {
  const pool = framePool();
  const rows = [];
  for (const [label, options] of [
    ['record', {}],
    ['record --redact-users', { pseudonymiseUsers: true }],
  ]) {
    const path = join(dir, `${label.replace(/\W+/g, '-')}.dyrec`);
    const { stats, seconds, mem } = await record(path, pool, options);
    const fileBytes = statSync(path).size;
    rows.push({
      run: label,
      frames: `${fmt(FRAMES + stats.framesOut, 0)} (${fmt(FRAMES, 0)} in)`,
      'MB/s': fmt(fileBytes / MB / seconds),
      'frames/s': fmt((stats.framesIn + stats.framesOut) / seconds, 0),
      file: mib(fileBytes),
      'peak RSS': mib(mem.peakRss),
      'peak heap': mib(mem.peakHeap),
      'heap drift': mib(mem.drift()),
      seconds: fmt(seconds, 2),
    });
    if (label === 'record') {
      const r = await read(path);
      rows.push({
        run: 'read (RecordingReader)',
        frames: `${fmt(r.records, 0)} records`,
        'MB/s': fmt(fileBytes / MB / r.seconds),
        'frames/s': fmt(r.records / r.seconds, 0),
        file: mib(fileBytes),
        'peak RSS': mib(r.mem.peakRss),
        'peak heap': mib(r.mem.peakHeap),
        'heap drift': mib(r.mem.drift()),
        seconds: fmt(r.seconds, 2),
      });
    }
  }
  console.log(
    `Recorder benchmark: ${fmt(FRAMES, 0)} generated inbound frames, acks on every other, a heartbeat per 10`,
  );
  console.table(rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
