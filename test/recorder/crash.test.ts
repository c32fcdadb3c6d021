import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeFrame, unpackResponse, type DecodedFrame, type InboundResponse } from '@douyin-live/core';
import { RecordingReader, type RecordingRecord } from '@douyin-live/recorder';

const ROOT = resolve(__dirname, '../..');
const CHILD = join(__dirname, 'crash-child.mjs');

let dir: string;
beforeAll(() => {
  // The child runs the compiled packages. `tsc -b` emits even when another package of the tree has type errors
  // in progress, so its exit code is not the test's concern; the emitted files are.
  spawnSync('npx', ['tsc', '-b', 'packages/core', 'packages/testing', 'packages/recorder'], {
    cwd: ROOT,
    stdio: 'ignore',
  });
  expect(existsSync(join(ROOT, 'packages/recorder/dist/index.js'))).toBe(true);
  expect(existsSync(join(ROOT, 'packages/testing/dist/index.js'))).toBe(true);
  dir = mkdtempSync(join(tmpdir(), 'dyrec-crash-'));
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  recordsFlushed: number;
  bytesFlushed: number;
}

/** Runs the child until it has flushed `atLeast` records, SIGKILLs it mid-stream, returns its last report. */
function recordAndKill(path: string, atLeast: number): Promise<Report> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CHILD, path, '5'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let last: Report = { recordsFlushed: 0, bytesFlushed: 0 };
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) last = JSON.parse(line) as Report;
      if (last.recordsFlushed >= atLeast && child.exitCode === null && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) =>
      signal === 'SIGKILL' ? done(last) : fail(new Error(`child exited ${code}: ${stderr}`)),
    );
  });
}

describe('a recording process killed with SIGKILL', () => {
  it('leaves every record flushed before the kill intact, and a readable (maybe truncated) tail', async () => {
    const path = join(dir, 'killed.dyrec');
    const report = await recordAndKill(path, 4000);
    expect(statSync(path).size).toBeGreaterThanOrEqual(report.bytesFlushed);

    const records: RecordingRecord[] = [];
    for await (const r of new RecordingReader(path, { chunkSize: 64 * 1024 })) records.push(r);
    const intact = records.filter((r) => r.kind !== 'truncated');
    expect(intact.length).toBeGreaterThanOrEqual(report.recordsFlushed);
    expect(intact[0]).toMatchObject({ kind: 'header', version: 1 });
    // Nothing after the last record but, at most, one incomplete record.
    expect(records.filter((r) => r.kind === 'truncated').length).toBeLessThanOrEqual(1);
    expect(intact.some((r) => r.kind === 'end')).toBe(false);

    // Every inbound frame decodes, in order, with no gap: frame n carries logId n and the chat "frame n".
    let n = 0;
    for (const r of intact) {
      if (r.kind !== 'in') continue;
      const item = unpackResponse(decodeFrame(r.bytes) as DecodedFrame) as InboundResponse;
      expect(item.kind).toBe('response');
      expect(item.frame.logId).toBe(String(n));
      expect(item.response?.messages).toHaveLength(2);
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(Math.floor((report.recordsFlushed - 1) / 2));
  }, 60_000);
});
