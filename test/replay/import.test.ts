// `douyin-live import`: a JSON-lines frame log becomes a recording that replays to the same messages; bad lines
// are refused with their line number.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingReader } from '@douyin-live/recorder';
import { goldenLines, runCli } from '@douyin-live/replay-cli';
import { fixture, testContext } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dyrec-import-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The frame log of a recording: every frame record as `{dir, t, b64, conn}`. */
async function frameLog(path: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const r of new RecordingReader(path)) {
    if (r.kind === 'in' || r.kind === 'out') {
      lines.push(JSON.stringify({ dir: r.kind, t: r.at, b64: Buffer.from(r.bytes).toString('base64'), conn: r.conn }));
    }
  }
  return lines;
}

const messagesOf = (lines: string[]) => lines.filter((l) => l.startsWith('{"message"'));

it('round trip: recording → frame log → import → the same messages, acks and decode errors', async () => {
  for (const name of ['busy-room', 'faulty-room'] as const) {
    const log = join(dir, `${name}.jsonl`);
    writeFileSync(log, `${(await frameLog(fixture(name))).join('\n')}\n\n`);
    const imported = join(dir, `${name}.dyrec`);
    const ctx = testContext();
    expect(await runCli(['import', log, '-o', imported, '--room-id', '7400000000000000001'], ctx)).toBe(0);
    expect(ctx.lines[0]).toMatch(/^imported \d+ frames in and \d+ out to /);

    const original = await goldenLines(fixture(name));
    const copy = await goldenLines(imported);
    expect(messagesOf(copy)).toEqual(messagesOf(original));
    const done = (lines: string[]) => JSON.parse(lines.at(-1)!) as { done: { stats: object; acks: object } };
    // Same frames, acks and decode failures; only what the log cannot carry (URLs, closes) differs.
    expect(done(copy).done.acks).toEqual(done(original).done.acks);
    expect(done(copy).done.stats).toEqual(
      expect.objectContaining({
        framesIn: (done(original).done.stats as { framesIn: number }).framesIn,
        decodeFailures: (done(original).done.stats as { decodeFailures: number }).decodeFailures,
      }),
    );
  }
});

it('accepts relative times', async () => {
  const [first] = await frameLog(fixture('quiet-room'));
  const log = join(dir, 'relative.jsonl');
  writeFileSync(log, `${JSON.stringify({ ...JSON.parse(first!), t: 0, conn: undefined })}\n`);
  const out = join(dir, 'relative.dyrec');
  expect(await runCli(['import', log, '-o', out, '--started-at', '1700000000000'], testContext())).toBe(0);
  const records = [];
  for await (const r of new RecordingReader(out)) records.push(r);
  expect(records[0]).toEqual(expect.objectContaining({ kind: 'header', startedAt: 1_700_000_000_000 }));
  expect(records.map((r) => r.kind)).toEqual(['header', 'open', 'in', 'end']);
});

it.each([
  ['not JSON', 'hello', /:2: not JSON/],
  ['a bad direction', '{"dir":"up","t":1,"b64":"AAAA"}', /:2: "dir" must be "in" or "out", got "up"/],
  ['a missing time', '{"dir":"in","b64":"AAAA"}', /:2: "t" must be a non-negative number of ms, got undefined/],
  ['bad base64', '{"dir":"in","t":5,"b64":"not base64!"}', /:2: "b64" must be non-empty standard base64/],
  ['time going back', '{"dir":"in","t":0,"b64":"AAAA"}', /:2: "t" goes back in time \(0 after 1\)/],
])('refuses %s with the line number', async (_what, line, pattern) => {
  const log = join(dir, 'bad.jsonl');
  writeFileSync(
    log,
    `{"dir":"in","t":1,"b64":"${readFileSync(fixture('quiet-room')).subarray(0, 3).toString('base64')}"}\n${line}\n`,
  );
  const ctx = testContext();
  expect(await runCli(['import', log, '-o', join(dir, 'bad.dyrec')], ctx)).toBe(1);
  expect(ctx.errors[0]).toMatch(pattern);
  expect(ctx.errors[0]).toContain(`${log}:2:`);
});
