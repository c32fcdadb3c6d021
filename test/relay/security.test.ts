// Safe by default: tokens on every route, loopback unless told otherwise, origin checks on the WebSocket, slow
// clients closed without slowing the others, a client cap, and 400s with a reason for bad query values.
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { connectRooms } from '@douyin-live/core';
import { startRelay, CLOSE_TRY_AGAIN_LATER } from '@douyin-live/relay';
import { runCli } from '../../packages/replay-cli/src/cli.js';
import { testContext } from '../helpers/cliContext.js';
import { FAST_SCENARIO } from '../simulator/helpers.js';
import { get, ROOM, simRelay, SseReader, until, WsReader, wsUrl } from './helpers.js';

const TOKEN = 's3cret-token';
const ROUTES = [
  '/',
  '/overlay/chat',
  '/overlay/gifts',
  '/overlay/leaderboard',
  '/overlay/viewers',
  '/api/rooms',
  '/assets/relay.js',
  '/events',
];

/** Opens a WebSocket and resolves with the HTTP status it was refused with (or 101 when it opened). */
async function handshakeStatus(url: string, options: { headers?: Record<string, string>; origin?: string } = {}) {
  const ws = new WsReader(url, options);
  try {
    await ws.opened;
    ws.socket.close();
    return 101;
  } catch (error) {
    return (error as { status?: number }).status;
  }
}

describe('relay safety', () => {
  it('enforces a token on every route: HTTP, SSE and the WebSocket handshake (401 before upgrade)', async () => {
    const pool = connectRooms([]);
    const relay = await startRelay(pool, { token: TOKEN });
    try {
      for (const route of ROUTES) {
        const sep = route.includes('?') ? '&' : '?';
        const none = await get(`${relay.url}${route}`);
        expect([route, none.status]).toEqual([route, 401]);
        expect(JSON.parse(none.body)).toMatchObject({ error: 'UNAUTHORIZED' });
        expect((await get(`${relay.url}${route}${sep}token=wrong`)).status).toBe(401);
        expect((await get(`${relay.url}${route}`, { Authorization: 'Bearer nope' })).status).toBe(401);
        if (route === '/events') continue; // a stream: opened below
        expect((await get(`${relay.url}${route}${sep}token=${TOKEN}`)).status).toBe(200);
        expect((await get(`${relay.url}${route}`, { Authorization: `Bearer ${TOKEN}` })).status).toBe(200);
      }
      const sse = new SseReader(`${relay.url}/events?token=${TOKEN}`);
      await until(() => sse.status === 200, 'SSE with ?token=');
      sse.close();
      expect(await handshakeStatus(wsUrl(relay, '/ws'))).toBe(401);
      expect(await handshakeStatus(wsUrl(relay, '/ws?token=wrong'))).toBe(401);
      expect(await handshakeStatus(wsUrl(relay, `/ws?token=${TOKEN}`))).toBe(101);
      expect(await handshakeStatus(wsUrl(relay, '/ws'), { headers: { Authorization: `Bearer ${TOKEN}` } })).toBe(101);
      expect(relay.stats.refused[401]).toBeGreaterThanOrEqual(ROUTES.length * 3 + 2);
    } finally {
      await relay.close();
      await pool.close();
    }
  });

  it('refuses a non-loopback --host without --token, in the library and on the command line', async () => {
    const pool = connectRooms([]);
    try {
      await expect(startRelay(pool, { host: '0.0.0.0' })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/without a token/),
      });
      const t = testContext();
      expect(await runCli(['relay', ROOM, '--host', '0.0.0.0', '--endpoint', 'http://127.0.0.1:9'], t)).toBe(1);
      expect(t.errors.join('\n')).toMatch(/refusing to listen on 0\.0\.0\.0 without a token.*\[INVALID_ARGUMENT\]/);
      // With a token it listens on every interface, and still wants the token.
      const relay = await startRelay(pool, { host: '0.0.0.0', token: TOKEN });
      expect((await get(`${relay.url}/api/rooms`)).status).toBe(401);
      await relay.close();
    } finally {
      await pool.close();
    }
  });

  it('answers only to loopback Host names when it listens on loopback (DNS rebinding)', async () => {
    const pool = connectRooms([]);
    const relay = await startRelay(pool);
    try {
      expect((await get(`${relay.url}/api/rooms`, { Host: 'evil.example:80' })).status).toBe(403);
      expect((await get(`${relay.url}/api/rooms`, { Host: `localhost:${relay.port}` })).status).toBe(200);
    } finally {
      await relay.close();
      await pool.close();
    }
  });

  it('lets only its own pages (or --allow-origin) open the WebSocket', async () => {
    const pool = connectRooms([]);
    const relay = await startRelay(pool);
    const open = await startRelay(pool, { allowOrigins: ['https://overlay.example'] });
    try {
      expect(await handshakeStatus(wsUrl(relay, '/ws'), { origin: 'https://evil.example' })).toBe(403);
      expect(await handshakeStatus(wsUrl(relay, '/ws'), { origin: relay.url })).toBe(101);
      expect(await handshakeStatus(wsUrl(relay, '/ws'))).toBe(101); // not a browser: no Origin
      expect(await handshakeStatus(wsUrl(open, '/ws'), { origin: 'https://overlay.example' })).toBe(101);
      expect(await handshakeStatus(wsUrl(open, '/ws'), { origin: 'https://evil.example' })).toBe(403);
      // Reading the API from an allowed page gets the CORS header; from another page it does not.
      const allowed = await get(`${open.url}/api/rooms`, { Origin: 'https://overlay.example' });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://overlay.example');
      const other = await get(`${open.url}/api/rooms`, { Origin: 'https://evil.example' });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await relay.close();
      await open.close();
      await pool.close();
    }
  });

  it('closes a slow WebSocket client with 1013 while the others get every message', async () => {
    // A busy room: chat lines long enough to fill a stalled client's socket buffers quickly.
    const chatLines = ['刷屏'.repeat(200)];
    const r = await simRelay(
      { seeded: { ...FAST_SCENARIO, chatPerSecond: 3_000, chatLines, messageLimit: 6_000 } },
      { maxBufferedBytes: 64 * 1024 },
    );
    try {
      const slow = new WsReader(wsUrl(r.relay, '/ws'));
      const fast = [new WsReader(wsUrl(r.relay, '/ws')), new WsReader(wsUrl(r.relay, '/ws'))];
      await Promise.all([slow.opened, ...fast.map((f) => f.opened)]);
      // The slow client stops reading its socket: the kernel buffers fill, then the relay's send buffer.
      (slow.socket as unknown as { _socket: Duplex })._socket.pause();
      await r.join();
      await until(() => r.relay.stats.slowClientsClosed === 1, 'the slow client to be closed');
      const ended = (w: WsReader) => w.events.some((e) => e['kind'] === 'state' && e['state'] === 'ended');
      await until(() => fast.every(ended), 'the room to end for the other clients');
      const relayed = r.relay.rooms()[0]!.messages;
      expect(relayed).toBeGreaterThan(1_000);
      for (const f of fast) expect(f.messages()).toHaveLength(relayed);
      expect(r.relay.stats.clients).toBe(2);
      // Once it reads again, the slow client finds the close frame: 1013, try again later.
      (slow.socket as unknown as { _socket: Duplex })._socket.resume();
      expect(await slow.closed).toBe(CLOSE_TRY_AGAIN_LATER);
      expect(slow.messages().length).toBeLessThan(relayed);
      for (const f of fast) f.socket.close();
    } finally {
      await r.close();
    }
  });

  it('caps the number of clients (503 on SSE and before the WebSocket upgrade)', async () => {
    const pool = connectRooms([]);
    const relay = await startRelay(pool, { maxClients: 2 });
    try {
      const a = new WsReader(wsUrl(relay, '/ws'));
      const b = new SseReader(`${relay.url}/events`);
      await a.opened;
      await until(() => b.status === 200 && relay.stats.clients === 2, 'two clients');
      expect(await handshakeStatus(wsUrl(relay, '/ws'))).toBe(503);
      const c = await get(`${relay.url}/events`);
      expect(c.status).toBe(503);
      expect(JSON.parse(c.body)).toMatchObject({ error: 'TOO_MANY_CLIENTS' });
      b.close();
      await until(() => relay.stats.clients === 1, 'the SSE client to go');
      expect(await handshakeStatus(wsUrl(relay, '/ws'))).toBe(101);
      a.socket.close();
    } finally {
      await relay.close();
      await pool.close();
    }
  });

  it.each([
    ['/events?only=chat,bogus', /unknown kind "bogus"/],
    ['/events?only=', /\?only= is empty/],
    ['/events?lastEventId=abc', /lastEventId must be an event id/],
    ['/overlay/chat?max=0', /\?max= must be an integer from 1 to 200/],
    ['/overlay/chat?fontSize=huge', /\?fontSize= must be an integer/],
    ['/overlay/gifts?theme=neon', /\?theme= must be one of dark, light, outline/],
    [`/overlay/viewers?room=${'x'.repeat(300)}`, /room key longer than 200/],
  ])('answers a bad query with 400 and the reason: %s', async (path, reason) => {
    const pool = connectRooms([]);
    const relay = await startRelay(pool);
    try {
      const answer = await get(`${relay.url}${path}`);
      expect(answer.status).toBe(400);
      const body = JSON.parse(answer.body) as { error: string; message: string };
      expect(body.error).toBe('INVALID_ARGUMENT');
      expect(body.message).toMatch(reason);
      if (path.startsWith('/events')) {
        expect(await handshakeStatus(wsUrl(relay, path.replace('/events', '/ws')))).toBe(400);
      }
    } finally {
      await relay.close();
      await pool.close();
    }
  });

  it('rejects an unknown room with 400 when the rooms are fixed (a map of sessions)', async () => {
    const pool = connectRooms([]);
    const relay = await startRelay(new Map([['only-room', pool.add('x', { endpoints: 'http://127.0.0.1:9' })]]));
    try {
      const answer = await get(`${relay.url}/events?rooms=other`);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body).message).toMatch(/unknown room "other" \(relayed: only-room\)/);
    } finally {
      await relay.close();
      await pool.close();
    }
  });

  it('refuses raw garbage on the upgrade path without crashing', async () => {
    const pool = connectRooms([]);
    const relay = await startRelay(pool, { token: TOKEN });
    try {
      const socket = new Socket();
      const reply = await new Promise<string>((resolve) => {
        let text = '';
        socket.connect(relay.port, '127.0.0.1', () =>
          socket.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n'),
        );
        socket.on('data', (d) => (text += String(d)));
        socket.on('close', () => resolve(text));
      });
      expect(reply).toMatch(/^HTTP\/1\.1 401 Unauthorized/);
      expect((await get(`${relay.url}/api/rooms?token=${TOKEN}`)).status).toBe(200);
    } finally {
      await relay.close();
      await pool.close();
    }
  });
});
