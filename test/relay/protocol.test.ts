// The relay's streams against the simulator: the WebSocket carries what `watch --json` prints, SSE resumes
// after a reconnect with nothing lost or repeated, and /api/rooms reports each room.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../packages/replay-cli/src/cli.js';
import { testContext } from '../helpers/cliContext.js';
import { FAST_SCENARIO } from '../simulator/helpers.js';
import { COOKIE, get, ROOM, simRelay, SseReader, until, WsReader, wsUrl } from './helpers.js';

const SEEDED = { ...FAST_SCENARIO, messageLimit: 150 };
// About 100 messages a second: two sessions joining side by side both see most of the live.
const STEADY = { ...SEEDED, chatPerSecond: 50, giftPerSecond: 10, likePerSecond: 20, memberPerSecond: 10 };

const ended = (events: readonly { kind?: unknown; state?: unknown }[]) =>
  events.some((e) => e.kind === 'state' && e.state === 'ended');

describe('relay streams', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'dyrelay-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a WebSocket client receives the same JSON objects as watch --json, with the room key', async () => {
    const r = await simRelay({ seeded: STEADY });
    try {
      const ws = new WsReader(wsUrl(r.relay, `/ws?rooms=${ROOM}`));
      await ws.opened;
      const cookieFile = join(dir, 'cookie.txt');
      writeFileSync(cookieFile, COOKIE);
      const t = testContext();
      await r.join();
      const code = await runCli(['watch', ROOM, '--json', '--endpoint', r.sim.httpUrl, '--cookie-file', cookieFile], t);
      expect(code).toBe(0);
      await until(() => ended(ws.events), 'the relayed room to end');
      const watched = new Map(t.lines.map((l) => JSON.parse(l) as Record<string, unknown>).map((m) => [m['msgId'], m]));
      const relayed = new Map(ws.messages().map((m) => [m['msgId'], m]));
      // Two sessions joined side by side: each message watch printed, the relay sent as the same object.
      expect(watched.size).toBeGreaterThan(50);
      for (const [msgId, m] of watched) {
        const { room, ...rest } = relayed.get(msgId) ?? {};
        expect(room).toBe(ROOM);
        expect(rest).toEqual(m);
      }
      // State changes are their own typed objects.
      expect(ws.events.filter((e) => e['kind'] === 'state').map((e) => e['state'])).toEqual(
        expect.arrayContaining(['connecting', 'live', 'ended']),
      );
      ws.socket.close();
    } finally {
      await r.close();
    }
  });

  it('SSE resumes after a reconnect (Last-Event-ID) with no message lost or repeated', async () => {
    const r = await simRelay({ seeded: SEEDED });
    try {
      const events = `${r.relay.url}/events?rooms=${ROOM}&only=chat,like`;
      const whole = new SseReader(events); // never disconnects: what a client should have seen
      const first = new SseReader(events);
      await until(() => whole.status === 200 && first.status === 200, 'both streams to open');
      await r.join();
      await until(() => first.messages().length >= 10, 'ten messages on the first connection');
      first.close();
      const lastId = first.lastId!;
      // Messages keep flowing while the client is away.
      await until(() => r.relay.stats.events > lastId + 30, 'thirty events while disconnected');
      const second = new SseReader(events, { 'Last-Event-ID': String(lastId) });
      await until(() => ended(second.events.map((e) => e.data)), 'the room to end on the second connection');
      await until(() => ended(whole.events.map((e) => e.data)), 'the room to end on the whole stream');
      const ids = (reader: SseReader) => reader.messages().map((m) => m['msgId']);
      const seen = [...ids(first), ...ids(second)];
      expect(new Set(seen).size).toBe(seen.length); // nothing repeated
      expect(seen).toEqual(ids(whole)); // nothing lost, in order
      expect(ids(second).length).toBeGreaterThan(30);
      expect(second.events.some((e) => e.data['kind'] === 'resume-gap')).toBe(false);
      whole.close();
      second.close();
    } finally {
      await r.close();
    }
  });

  it('says so when the resumed id fell out of the bounded buffer', async () => {
    const r = await simRelay({ seeded: SEEDED }, { eventBufferSize: 8 });
    try {
      const first = new SseReader(`${r.relay.url}/events`);
      await until(() => first.status === 200, 'the stream to open');
      await r.join();
      await until(() => first.messages().length >= 3, 'three messages');
      first.close();
      const lastId = first.lastId!;
      await until(() => r.relay.stats.events > lastId + 50, 'fifty more events');
      const second = new SseReader(`${r.relay.url}/events?lastEventId=${lastId}`);
      await until(() => second.events.length >= 2, 'the resumed stream');
      const gap = second.events[0]!;
      expect(gap.id).toBeUndefined();
      expect(gap.data).toEqual({ kind: 'resume-gap', lastEventId: lastId, oldestEventId: expect.any(Number) });
      const oldest = gap.data['oldestEventId'] as number;
      expect(oldest).toBeGreaterThan(lastId + 1);
      // What follows is what the buffer still held (derived events this client did not ask for left out).
      const ids = second.events.slice(1).map((e) => e.id!);
      expect(ids[0]).toBeGreaterThanOrEqual(oldest);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      second.close();
    } finally {
      await r.close();
    }
  });

  it('filters by ?only= (message kinds and derived kinds) and ?rooms=', async () => {
    const r = await simRelay({ seeded: SEEDED });
    try {
      const gifts = new WsReader(wsUrl(r.relay, `/ws?only=gift,combo`));
      const other = new WsReader(wsUrl(r.relay, `/ws?rooms=another-room`));
      await Promise.all([gifts.opened, other.opened]);
      await r.join();
      await until(() => ended(gifts.events), 'the room to end');
      const kinds = new Set(gifts.events.map((e) => (e['kind'] === 'message' ? e['method'] : e['kind'])));
      expect([...kinds].sort()).toEqual(['WebcastGiftMessage', 'combo', 'state']);
      const ends = gifts.events.filter((e) => e['kind'] === 'combo' && e['type'] === 'end');
      expect(ends.length).toBeGreaterThan(0);
      expect(other.events).toEqual([]);
      gifts.socket.close();
      other.socket.close();
    } finally {
      await r.close();
    }
  });

  it('/api/rooms reports state, room info and message counts', async () => {
    const r = await simRelay({ seeded: SEEDED });
    try {
      await r.join();
      await until(() => r.relay.rooms()[0]?.state === 'ended', 'the room to end');
      const answer = await get(`${r.relay.url}/api/rooms`);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      const { rooms } = JSON.parse(answer.body) as { rooms: Record<string, unknown>[] };
      expect(rooms).toHaveLength(1);
      const room = rooms[0]!;
      const sent = new Set(r.sim.stats.messagesSent[ROOM]!.map((m) => m.msgId)).size;
      expect(room).toMatchObject({ room: ROOM, state: 'ended', roomId: r.sim.rooms[0]!.roomId, messages: sent });
      expect(room['title']).toEqual(expect.any(String));
      const byKind = room['byKind'] as Record<string, number>;
      expect(Object.values(byKind).reduce((a, b) => a + b, 0)).toBe(sent);
      expect(byKind['chat']).toBeGreaterThan(0);
      expect(room['viewers']).toEqual(expect.any(Number));
      expect(room['likes']).toEqual(expect.any(Number));
    } finally {
      await r.close();
    }
  });
});
