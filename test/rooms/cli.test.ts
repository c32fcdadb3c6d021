// `douyin-live watch` and `record` with several rooms: one pool, lines tagged with the room, one file per room.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingReader, type RecordingRecord } from '../../packages/recorder/src/index.js';
import { outputPaths, roomFileName } from '../../packages/replay-cli/src/commands/record.js';
import { runCli } from '../../packages/replay-cli/src/cli.js';
import { simulatedRooms } from '@douyin-live/simulator';
import { startSimulator } from '@douyin-live/simulator';
import { testContext } from '../helpers/cliContext.js';

const scenario = { tickMs: 10, chatPerSecond: 200, likePerSecond: 50, messageLimit: 60 };

describe('many rooms on the command line', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'dyrooms-cli-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('watch: tags every line with its room, and a room that fails leaves the others running', async () => {
    const sim = await startSimulator({ rooms: simulatedRooms(3, { scenario }) });
    try {
      const t = testContext();
      const rooms = sim.rooms.map((r) => r.webRid);
      const code = await runCli(
        ['watch', ...rooms, 'no-such-room', '--endpoint', sim.httpUrl, '--json', '--request-interval', '0'],
        t,
      );
      expect(code).toBe(1); // the unknown room failed...
      expect(t.errors.some((l) => /ROOM_NOT_FOUND/.test(l) && /no-such-room/.test(l))).toBe(true);
      const lines = t.lines.map((l) => JSON.parse(l) as { room: string; msgId: string });
      for (const webRid of rooms) {
        // ...and every other room was watched to its end, each message once.
        const ids = lines.filter((l) => l.room === webRid).map((l) => l.msgId);
        expect(ids).toEqual([...new Set(sim.stats.messagesSent[webRid]!.map((m) => m.msgId))]);
      }
    } finally {
      await sim.close();
    }
  });

  it.each([
    ['a directory', 'byDir/'],
    ['a {room} placeholder', 'sub/room-{room}.dyrec'],
  ])('record: one file per room, through %s', async (_name, relative) => {
    const sim = await startSimulator({ rooms: simulatedRooms(2, { scenario }) });
    try {
      const rooms = sim.rooms.map((r) => r.webRid);
      const output = join(dir, relative);
      const t = testContext();
      const code = await runCli(
        ['record', ...rooms, '-o', output, '--endpoint', sim.httpUrl, '--request-interval', '0'],
        t,
      );
      expect(t.errors).toEqual([]);
      expect(code).toBe(0);
      for (const [webRid, path] of outputPaths(output, rooms)) {
        expect(t.lines.join('\n')).toContain(`to ${path}`);
        const records: RecordingRecord[] = [];
        for await (const r of new RecordingReader(path)) records.push(r);
        expect(records[0]).toMatchObject({ kind: 'header', room: { webRid } });
        expect(records.at(-1)).toMatchObject({ kind: 'end' });
        expect(records.filter((r) => r.kind === 'in').length).toBeGreaterThan(0);
      }
    } finally {
      await sim.close();
    }
  });

  it('names files after the web_rid and refuses two rooms in one file', () => {
    expect(roomFileName('https://live.douyin.com/261378947940?from=share')).toBe('261378947940');
    expect(roomFileName('a b/c')).toBe('a_b_c');
    expect(outputPaths('out.dyrec', ['1'])).toEqual(new Map([['1', 'out.dyrec']]));
    expect(() => outputPaths('out.dyrec', ['1', '2'])).toThrow(/directory .* or contain \{room\}/);
    expect(() => outputPaths('x/{room}.dyrec', ['https://live.douyin.com/1', '1'])).toThrow(/same file/);
  });
});
