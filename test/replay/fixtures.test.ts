// The golden test: every fixture recording, replayed through the live pipeline, must put out exactly its golden
// NDJSON. After an intended change: `npx douyin-live verify fixtures/<name>.dyrec --expected
// fixtures/<name>.golden.ndjson --update` (or regenerate everything with scripts/make-fixtures.mjs).
import { statSync } from 'node:fs';
import { inspectRecording, verifyRecording } from '@douyin-live/replay-cli';
import { fixture, FIXTURES } from './helpers.js';

describe.each(FIXTURES)('fixture %s', (name) => {
  it('replays to its golden output', async () => {
    const result = await verifyRecording(fixture(name), fixture(name, '.golden.ndjson'));
    if (!result.ok) throw new Error(result.report);
    expect(result.ok).toBe(true);
  });

  it('is small enough to commit', () => {
    expect(statSync(fixture(name)).size).toBeLessThan(1_000_000);
  });
});

describe('what the fixtures hold', () => {
  it('busy-room: combo streaks, reconnects after dropped connections, repeats dropped, every ack matched', async () => {
    const s = await inspectRecording(fixture('busy-room'));
    expect(s.header?.pseudonymised).toBe(true);
    expect(s.connections.length).toBeGreaterThanOrEqual(2);
    expect(s.connections.some((c) => c.end === '1006')).toBe(true);
    expect(s.messages.byMethod['WebcastGiftMessage']).toBeGreaterThan(10);
    expect(s.messages.duplicates).toBeGreaterThan(0);
    expect(s.acks).toEqual(expect.objectContaining({ ok: true }));
    expect(s.acks.matched).toBeGreaterThan(0);
    expect(s.outcome).toBe('ended');
  });

  it('quiet-room: a short live that ends, viewers masked as a guest sees them', async () => {
    const s = await inspectRecording(fixture('quiet-room'));
    expect(s.outcome).toBe('ended');
    expect(s.connections).toHaveLength(1);
    expect(s.messages.byMethod['WebcastControlMessage']).toBe(1);
    expect(s.decodeFailures).toBe(0);
  });

  it('faulty-room: garbage and corrupt-gzip frames arrive as decode errors, the rest decodes', async () => {
    const s = await inspectRecording(fixture('faulty-room'));
    expect(s.errors['FRAME_DECODE_FAILED']).toBeGreaterThan(0);
    expect(s.errors['GZIP_FAILED']).toBeGreaterThan(0);
    expect(s.frames.in['undecodable']).toBeGreaterThan(0);
    expect(s.messages.total).toBeGreaterThan(20);
    expect(s.outcome).toBe('ended');
  });
});
