import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecorder, RecordingReader, type RecordingRecord } from '@douyin-live/recorder';
import { generateSession } from './session.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dyrec-cut-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(path: string, chunkSize: number): Promise<RecordingRecord[]> {
  const out: RecordingRecord[] = [];
  for await (const r of new RecordingReader(path, { chunkSize })) out.push(r);
  return out;
}

describe('a recording cut short', () => {
  it('reads every prefix of a file without an exception, as the intact records plus a truncated marker', async () => {
    const events = generateSession({ frames: 2, reconnectAt: 1 });
    const full = join(dir, 'full.dyrec');
    const recorder = createRecorder(full, { now: () => events[0]!.at });
    for (const e of events) recorder.write(e);
    await recorder.end();
    const bytes = readFileSync(full);
    const complete = await readAll(full, 1 << 20);
    expect(complete.some((r) => r.kind === 'truncated')).toBe(false);

    // Record boundaries: the cuts that leave no partial record behind.
    const boundaries = new Set<number>();
    const prefix = join(dir, 'prefix.dyrec');
    for (let cut = 0; cut <= bytes.length; cut++) {
      writeFileSync(prefix, bytes.subarray(0, cut));
      // Two chunk sizes: the whole prefix at once, and 16-byte reads that split nearly every record.
      for (const chunkSize of [1 << 20, 16]) {
        const records = await readAll(prefix, chunkSize);
        const last = records.at(-1)!;
        const intact = last.kind === 'truncated' ? records.slice(0, -1) : records;
        // Whatever was read is exactly the start of the full recording.
        expect(intact).toEqual(complete.slice(0, intact.length));
        if (last.kind === 'truncated') {
          expect(last.at + last.tailBytes).toBe(cut);
          expect(last.at).toBeLessThan(cut === 0 ? 1 : cut);
        } else {
          // Cut right after a record: nothing partial, but no end record either (as a file still being written).
          boundaries.add(cut);
          expect(intact.length > 0 && (cut === bytes.length) === (intact.at(-1)!.kind === 'end')).toBe(true);
        }
      }
    }
    // One boundary per record: every record was seen whole at exactly one cut.
    expect(boundaries.size).toBe(complete.length);
    expect(Math.max(...boundaries)).toBe(bytes.length);
  });
});
