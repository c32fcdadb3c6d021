// Joins on a flaky network: transient failures while resolving the room are retried with the reconnect policy
// and reported on errors$; definitive answers fail at once. Real sockets on loopback against the simulator.
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { connectRooms } from '../../packages/core/src/rooms/pool.js';
import { connectLiveSession } from '../../packages/core/src/session/session.js';
import { DouyinLiveError, ErrorCodes, type ErrorContext } from '../../packages/core/src/errors.js';
import type { LiveSessionOptions } from '../../packages/core/src/index.js';
import { isTransientHttpFailure } from '../../packages/core/src/session/http.js';
import { startSimulator, type Simulator } from '@douyin-live/simulator';

const FAST: Omit<LiveSessionOptions, 'room'> = {
  heartbeatIntervalMs: 100,
  stallTimeoutMs: 3000,
  httpTimeoutMs: 500,
  reconnect: { initialDelayMs: 100, maxDelayMs: 400, jitterMs: 50, maxAttempts: 100 },
};

const scenario = { seed: 3, tickMs: 20, chatPerSecond: 50, likePerSecond: 10, giftPerSecond: 5 };

/** A loopback port where nothing listens (yet). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('isTransientHttpFailure', () => {
  const failed = (context: ErrorContext) => new DouyinLiveError(ErrorCodes.HTTP_FAILED, 'GET / failed', context);

  it.each([
    ['a DNS failure', failed({ network: 'ENOTFOUND' }), true],
    ['a refused connection', failed({ network: 'ECONNREFUSED' }), true],
    ['a timeout', failed({ network: 'ETIMEDOUT' }), true],
    ['HTTP 503', failed({ status: 503 }), true],
    ['HTTP 429', failed({ status: 429 }), true],
    ['HTTP 403', failed({ status: 403 }), false],
    ['HTTP 404', failed({ status: 404 }), false],
    ['a missing room', new DouyinLiveError(ErrorCodes.ROOM_NOT_FOUND, 'gone', { status: 404 }), false],
    ['a refused handshake', new DouyinLiveError(ErrorCodes.HANDSHAKE_REJECTED, 'no', { status: 200 }), false],
    ['invalid input', new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'bad'), false],
  ])('%s → %s', (_, error, transient) => {
    expect(isTransientHttpFailure(error)).toBe(transient);
  });
});

describe('joining on a flaky network', () => {
  let sim: Simulator | undefined;
  afterEach(async () => {
    await sim?.close();
    sim = undefined;
  });

  it('a session started before anything listens joins once the simulator comes up 3 s later', async () => {
    const port = await freePort();
    const s = connectLiveSession({ ...FAST, room: '261378947940', endpoints: `http://127.0.0.1:${port}` });
    const errors: DouyinLiveError[] = [];
    s.errors$.subscribe((e) => errors.push(e));
    const firstChat = firstValueFrom(s.chat$);
    const refused = await firstValueFrom(s.errors$);
    expect(refused).toMatchObject({ code: 'HTTP_FAILED', context: { network: 'ECONNREFUSED', joinAttempt: 1 } });
    expect(refused.context.retryInMs).toBeGreaterThanOrEqual(100);
    await wait(3000);
    expect(s.state).toBe('resolving');
    sim = await startSimulator({ port, scenario });
    // History from im/fetch may come first; the socket then goes live and pushes chat.
    expect((await firstChat).method).toBe('WebcastChatMessage');
    await firstValueFrom(s.state$.pipe(filter((state) => state === 'live')));
    await firstValueFrom(s.chat$);
    expect(s.stats.framesIn).toBeGreaterThan(0);
    // Every failed attempt was reported, numbered, with its delay; none of them was fatal.
    expect(errors.length).toBeGreaterThan(1);
    expect(errors.map((e) => e.context.joinAttempt)).toEqual(errors.map((_, i) => i + 1));
    for (const e of errors) expect(e.context.network).toBe('ECONNREFUSED');
    await s.close();
    expect(await s.done).toEqual({ reason: 'closed' });
  });

  it('a room pool started before anything listens joins every room once the simulator comes up', async () => {
    const port = await freePort();
    const pool = connectRooms(['261378947940', 'second'], {
      session: { ...FAST, endpoints: `http://127.0.0.1:${port}` },
      maxConcurrentJoins: 1,
      requestIntervalMs: 1,
      requestJitterMs: 1,
    });
    const chatRooms = new Set<string>();
    const bothChatted = new Promise<void>((resolve) =>
      pool.chat$.subscribe(({ room }) => {
        chatRooms.add(room);
        if (chatRooms.size === 2) resolve();
      }),
    );
    const poolErrors = lastValueFrom(pool.errors$.pipe(toArray()));
    // With one join slot, the second room only gets to fail because the first gave its slot back while waiting.
    await new Promise<void>((resolve) => {
      const seen = new Set<string>();
      pool.errors$.subscribe(({ room }) => {
        seen.add(room);
        if (seen.size === 2) resolve();
      });
    });
    sim = await startSimulator({
      port,
      rooms: [
        { webRid: '261378947940', roomId: '7400000000000000001', scenario },
        { webRid: 'second', roomId: '7400000000000000002', scenario },
      ],
    });
    await bothChatted;
    await pool.close();
    const errors = await poolErrors;
    expect(errors.length).toBeGreaterThanOrEqual(2);
    for (const e of errors) expect(e).toMatchObject({ fatal: false, error: { code: 'HTTP_FAILED' } });
  });

  it('retries a 503, a cut answer and a timeout, then joins through them', async () => {
    sim = await startSimulator({ scenario });
    const target = new URL(sim.httpUrl);
    let requests = 0;
    // A proxy in front of the simulator's HTTP side whose first three answers go wrong in three ways.
    const proxy: Server = createServer((req, res) => {
      const n = ++requests;
      if (n === 1) return void res.writeHead(503).end('busy');
      if (n === 2) {
        res.writeHead(200, { 'Content-Length': '5000' });
        res.write('<!DOCTYPE html><html>');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      if (n === 3) return; // never answers: the client's timeout (500 ms) fires
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.end();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const s = connectLiveSession({
        ...FAST,
        room: '261378947940',
        endpoints: { page: base, api: base, push: [sim.wsUrl] },
      });
      const errors = lastValueFrom(s.errors$.pipe(toArray()));
      await firstValueFrom(s.chat$);
      await s.close();
      const reported = await errors;
      expect(reported.map((e) => [e.code, e.context.status ?? e.context.network, e.context.joinAttempt])).toEqual([
        ['HTTP_FAILED', 503, 1],
        ['HTTP_FAILED', 'ECONNRESET', 2],
        ['HTTP_FAILED', 'ETIMEDOUT', 3],
      ]);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('retries a host that does not resolve (DNS)', async () => {
    const s = connectLiveSession({
      ...FAST,
      room: '261378947940',
      endpoints: 'http://douyin-live-test.invalid',
      reconnect: { initialDelayMs: 10, maxDelayMs: 20, jitterMs: 5, maxAttempts: 1 },
    });
    const errors = lastValueFrom(s.errors$.pipe(toArray()));
    expect(await s.done).toMatchObject({ reason: 'failed', error: { code: 'RECONNECT_EXHAUSTED' } });
    const [first] = await errors;
    // ENOTFOUND with a resolver, EAI_AGAIN without one: either way a DNS failure, retried.
    expect(first!.context.network).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    expect(first!.context.retryInMs).toBeGreaterThanOrEqual(10);
  });

  it('gives up after maxAttempts with RECONNECT_EXHAUSTED carrying the last failure', async () => {
    const port = await freePort();
    const s = connectLiveSession({
      ...FAST,
      room: '261378947940',
      endpoints: `http://127.0.0.1:${port}`,
      reconnect: { initialDelayMs: 10, maxDelayMs: 20, jitterMs: 5, maxAttempts: 2 },
    });
    const errors = lastValueFrom(s.errors$.pipe(toArray()));
    const outcome = await s.done;
    expect(outcome).toMatchObject({ reason: 'failed', error: { code: 'RECONNECT_EXHAUSTED' } });
    if (outcome.reason !== 'failed') throw new Error('unreachable');
    expect((outcome.error.cause as DouyinLiveError).context.network).toBe('ECONNREFUSED');
    expect((await errors).map((e) => e.context.retryInMs !== undefined)).toEqual([true, true, false]);
  });

  it('does not retry when reconnecting is disabled', async () => {
    const port = await freePort();
    const s = connectLiveSession({
      ...FAST,
      room: '261378947940',
      endpoints: `http://127.0.0.1:${port}`,
      reconnect: { enabled: false },
    });
    const errors = lastValueFrom(s.errors$.pipe(toArray()));
    expect(await s.done).toMatchObject({ reason: 'failed', error: { code: 'HTTP_FAILED' } });
    expect(await errors).toHaveLength(1);
  });

  it('fails at once on definitive answers: a missing room, an ended live, invalid input', async () => {
    sim = await startSimulator({ scenario });
    const missing = connectLiveSession({ ...FAST, room: 'no-such-room', endpoints: sim.httpUrl });
    const missingErrors = lastValueFrom(missing.errors$.pipe(toArray()));
    expect(await missing.done).toMatchObject({ reason: 'failed', error: { code: 'ROOM_NOT_FOUND' } });
    expect((await missingErrors).map((e) => e.code)).toEqual(['ROOM_NOT_FOUND']);
    expect(sim.stats.httpRequests['/no-such-room']).toBe(1);

    sim.endLive();
    const ended = connectLiveSession({ ...FAST, room: '261378947940', endpoints: sim.httpUrl });
    expect(await ended.done).toMatchObject({ reason: 'failed', error: { code: 'ROOM_NOT_LIVE' } });
    expect(sim.stats.httpRequests['/261378947940']).toBe(1);

    const invalid = connectLiveSession({ ...FAST, room: 'a b', endpoints: sim.httpUrl });
    expect(await invalid.done).toMatchObject({ reason: 'failed', error: { code: 'INVALID_ARGUMENT' } });
  });
});
