// `douyin-live relay`: live rooms through a pool, or recordings (looped), on one port; the first line holds the URL.
import { join } from 'node:path';
import { runCli } from '../../packages/replay-cli/src/cli.js';
import { startSimulator } from '@douyin-live/simulator';
import { testContext } from '../helpers/cliContext.js';
import { FAST_SCENARIO } from '../simulator/helpers.js';
import { get, ROOM, SseReader, until, WsReader } from './helpers.js';

const BUSY = join(__dirname, '..', '..', 'fixtures', 'busy-room.dyrec');
const QUIET = join(__dirname, '..', '..', 'fixtures', 'quiet-room.dyrec');

/** The relay URL on the first line. */
async function relayUrl(firstLine: Promise<string>): Promise<string> {
  const line = await firstLine;
  const url = /http:\/\/127\.0\.0\.1:\d+/.exec(line)?.[0];
  expect(url).toBeDefined();
  return url!;
}

describe('douyin-live relay', () => {
  it('relays live rooms: first line holds http://127.0.0.1:PORT, the WebSocket carries their messages', async () => {
    const sim = await startSimulator({ scenario: { ...FAST_SCENARIO, messageLimit: 80 } });
    try {
      const t = testContext();
      const running = runCli(
        ['relay', ROOM, '--endpoint', sim.httpUrl, '--request-interval', '0', '--only', 'chat'],
        t,
      );
      const url = await relayUrl(t.firstLine);
      expect(t.lines.join('\n')).toContain(`${url}/overlay/gifts?room=${ROOM}`);
      const ws = new WsReader(`${url.replace('http', 'ws')}/ws`);
      await until(() => ws.events.some((e) => e['state'] === 'ended'), 'the live to end');
      const methods = new Set(ws.messages().map((m) => m['method']));
      expect([...methods]).toEqual(['WebcastChatMessage']); // --only chat, on the relay's side
      t.interrupt();
      expect(await running).toBe(0);
      expect(t.lines.at(-1)).toMatch(/^stopped: \d+ events relayed, 0 slow clients closed$/);
      expect(await ws.closed).toBe(1001);
    } finally {
      await sim.close();
    }
  });

  it('relays a recording (--from), keyed by its file name, and loops it (--loop)', async () => {
    const t = testContext();
    const running = runCli(['relay', '--from', QUIET, '--speed', '20', '--loop'], t);
    const url = await relayUrl(t.firstLine);
    const sse = new SseReader(`${url}/events?rooms=quiet-room`);
    const states = () => sse.events.filter((e) => e.data['kind'] === 'state').map((e) => e.data['state']);
    // Ended, then live again: the second pass.
    await until(
      () => states().lastIndexOf('live') > states().indexOf('ended') && states().includes('ended'),
      'a second pass',
    );
    const rooms = JSON.parse((await get(`${url}/api/rooms`)).body) as { rooms: { room: string }[] };
    expect(rooms.rooms.map((r) => r.room)).toEqual(['quiet-room']);
    expect(sse.messages().length).toBeGreaterThan(0);
    sse.close();
    t.interrupt();
    expect(await running).toBe(0);
  });

  it('counts each pass of a looped recording afresh: the same streaks, not dropped as repeats', async () => {
    const t = testContext();
    const running = runCli(['relay', '--from', BUSY, '--speed', '20', '--loop'], t);
    const url = await relayUrl(t.firstLine);
    const sse = new SseReader(`${url}/events?only=combo,leaderboard`);
    const ends = () => sse.events.filter((e) => e.data['state'] === 'ended').length;
    await until(() => ends() >= 3, 'three passes');
    sse.close();
    t.interrupt();
    expect(await running).toBe(0);
    // Split the events at the end of each pass; the combo totals of the two passes must be the same.
    const passes: Record<string, unknown>[][] = [[]];
    for (const e of sse.events) {
      if (e.data['state'] === 'ended') passes.push([]);
      else passes.at(-1)!.push(e.data);
    }
    const totals = (pass: Record<string, unknown>[]) =>
      pass.filter((e) => e['kind'] === 'combo' && e['type'] === 'end').map((e) => `${e['key']}=${e['count']}`);
    // The first pass may have begun before the client connected: passes 2 and 3 are whole.
    expect(totals(passes[1]!).length).toBeGreaterThan(3);
    expect(totals(passes[2]!).sort()).toEqual(totals(passes[1]!).sort());
    // And the board starts empty for the second pass, then ends where the first ended.
    const boards = (pass: Record<string, unknown>[]) => pass.filter((e) => e['kind'] === 'leaderboard');
    expect(boards(passes[2]!)[0]).toMatchObject({ entries: [] });
    expect(boards(passes[2]!).at(-1)).toEqual(boards(passes[1]!).at(-1));
  });

  it('serves a recording without --loop until interrupted, with its message counts', async () => {
    const t = testContext();
    const running = runCli(['relay', '--from', BUSY, '--speed', 'max'], t);
    const url = await relayUrl(t.firstLine);
    const sse = new SseReader(`${url}/events?only=control`);
    await until(() => sse.events.some((e) => e.data['state'] === 'ended'), 'the recording to be played');
    sse.close();
    const room = (JSON.parse((await get(`${url}/api/rooms`)).body) as { rooms: { messages: number }[] }).rooms[0];
    expect(room!.messages).toBeGreaterThan(200);
    t.interrupt();
    expect(await running).toBe(0);
  });

  it.each([
    [['relay'], /name a room to relay, or --from a recording/],
    [['relay', ROOM, '--from', BUSY], /either live rooms or --from recordings, not both/],
    [['relay', '--from', BUSY, '--loop', '--speed', 'max'], /--loop needs a finite --speed/],
    [['relay', ROOM, '--only', 'nonsense'], /unknown kind "nonsense"/],
    [['relay', '--from', BUSY, '--from', BUSY], /two recordings named busy-room/],
  ])('refuses %j', async (argv, reason) => {
    const t = testContext();
    expect(await runCli(argv, t)).toBe(1);
    expect(t.errors[0]).toMatch(reason);
  });
});
