// `douyin-live record` end to end against the project's simulator (real sockets on loopback), then the file read
// back: the frames the client received and the acks it sent, with no cookie in it.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeFrame, ErrorCodes } from '@douyin-live/core';
import { startSimulator } from '@douyin-live/simulator';
import { RecordingReader, type FrameRecord, type RecordingRecord } from '@douyin-live/recorder';
import { runCli } from '@douyin-live/replay-cli';
import { testContext } from '../helpers/cliContext.js';
import { cookieValues, messageKind } from '../../packages/replay-cli/src/commands/record.js';
import { parseDuration, parseSize } from '../../packages/replay-cli/src/util/units.js';

describe('record command arguments', () => {
  it('parses durations, sizes and cookie values', () => {
    expect(parseDuration('10m')).toBe(600_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('90')).toBe(90_000);
    expect(() => parseDuration('10 minutes')).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }));
    expect(parseSize('100MB')).toBe(100_000_000);
    expect(parseSize('1GiB')).toBe(1024 ** 3);
    expect(parseSize('512')).toBe(512);
    expect(() => parseSize('lots')).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }));
    expect(cookieValues('ttwid=abc123; sessionid=def456')).toEqual(['abc123', 'def456']);
    expect(messageKind('WebcastEmojiChatMessage')).toBe('chat');
    expect(messageKind('WebcastRoomRankMessage')).toBe('RoomRank');
  });
});

describe('douyin-live record against the simulator', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dyrec-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records a whole session to a file that reads back, acks included, cookies excluded', async () => {
    const sim = await startSimulator({
      scenario: { seed: 3, tickMs: 10, chatPerSecond: 200, giftPerSecond: 40, likePerSecond: 80, messageLimit: 80 },
      // A short live: it starts when the recorder joins, so a slow join cannot find it already over.
      liveStarts: 'on-first-connection',
    });
    try {
      const cookieFile = join(dir, 'cookie.txt');
      const cookie = 'ttwid=ttwidCookieValue12345; sessionid=sessionCookieValue67890';
      writeFileSync(cookieFile, cookie);
      const out = join(dir, 'sim.dyrec');
      const ctx = testContext();
      const code = await runCli(
        [
          'record',
          '261378947940',
          '-o',
          out,
          '--endpoint',
          sim.httpUrl,
          '--cookie-file',
          cookieFile,
          '--duration',
          '20s',
        ],
        ctx,
      );
      expect(ctx.errors).toEqual([]);
      expect(code).toBe(0);
      expect(ctx.lines.join('\n')).toMatch(/Recorded .* to .*sim\.dyrec/);

      const records: RecordingRecord[] = [];
      for await (const r of new RecordingReader(out)) records.push(r);
      expect(records[0]).toMatchObject({ kind: 'header', room: { webRid: '261378947940' } });
      expect(records.at(-1)).toMatchObject({ kind: 'end' });
      const inbound = records.filter((r): r is FrameRecord => r.kind === 'in');
      const outbound = records.filter((r): r is FrameRecord => r.kind === 'out');
      expect(inbound.length).toBeGreaterThan(0);
      expect(inbound.every((r) => decodeFrame(r.bytes).kind === 'frame')).toBe(true);
      const acks = outbound.filter((r) => {
        const f = decodeFrame(r.bytes);
        return f.kind === 'frame' && f.payloadType === 'ack';
      });
      expect(acks.length).toBe(sim.stats.acks.length);
      expect(records.some((r) => r.kind === 'open')).toBe(true);
      const bytes = readFileSync(out);
      for (const secret of cookieValues(cookie)) expect(bytes.includes(Buffer.from(secret))).toBe(false);
    } finally {
      await sim.close();
    }
  }, 30_000);
});
