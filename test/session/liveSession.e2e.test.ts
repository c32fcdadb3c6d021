// The live session end to end against the project's simulator: real sockets on loopback, no mocks.
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { connectLiveSession } from '../../packages/core/src/session/session.js';
import { MessageEnvelope } from '../../packages/core/src/messages/envelope.js';
import type { LiveSession, LiveSessionOptions } from '../../packages/core/src/index.js';
import { startSimulator, type SimulatorOptions } from '@douyin-live/simulator';

type Sim = Awaited<ReturnType<typeof startSimulator>>;

const FAST: Omit<LiveSessionOptions, 'room'> = {
  heartbeatIntervalMs: 50,
  stallTimeoutMs: 400,
  reconnect: { initialDelayMs: 20, maxDelayMs: 100, jitterMs: 10, closeCodeDelayMs: { 1001: 20, 1012: 20, 1013: 20 } },
};

const scenario = (messageLimit: number) => ({
  seed: 7,
  tickMs: 10,
  chatPerSecond: 200,
  giftPerSecond: 40,
  likePerSecond: 80,
  memberPerSecond: 80,
  messageLimit,
});

async function session(
  sim: Sim,
  extra: Partial<LiveSessionOptions> = {},
): Promise<{ s: LiveSession; ids: Promise<string[]> }> {
  const s = connectLiveSession({ ...FAST, room: '261378947940', endpoints: sim.httpUrl, ...extra });
  // A failed session errors its streams; the tests that expect that look at `done` instead.
  const ids = lastValueFrom(s.messages$.pipe(toArray())).then(
    (ms) => ms.map((m) => m.msgId),
    () => [],
  );
  return { s, ids };
}

/** Message ids the simulator put on the room's timeline, in order, without repeats. */
const sentIds = (sim: Sim) => [...new Set(sim.stats.messagesSent['261378947940']!.map((m) => m.msgId))];

async function withSim(options: SimulatorOptions, body: (sim: Sim) => Promise<void>) {
  const sim = await startSimulator({ scenario: scenario(120), ...options });
  try {
    await body(sim);
  } finally {
    await sim.close();
  }
}

describe('live session against the simulator', () => {
  it('happy path: every message once, in order, typed; every needAck frame acked; heartbeats flow', () =>
    // The live starts when the session joins, so a slow join on a loaded machine still sees all of it.
    withSim({ liveStarts: 'on-first-connection' }, async (sim) => {
      const { s, ids } = await session(sim);
      const outcome = await s.done;
      expect(outcome).toEqual({ reason: 'ended' });
      const received = await ids;
      expect(received).toEqual(sentIds(sim));
      expect(received.length).toBeGreaterThan(100);
      expect(sim.stats.acks.length).toBeGreaterThan(0);
      expect(sim.stats.acks.every((a) => a.matched)).toBe(true);
      expect(sim.stats.acks.length).toBe(sim.stats.framesSent.msg);
      expect(sim.stats.heartbeats).toBeGreaterThan(0);
      expect(s.state).toBe('ended');
      expect(s.room).toMatchObject({ webRid: '261378947940', roomId: '7400000000000000001' });
    }));

  it('exposes typed streams and the state sequence', () =>
    withSim({}, async (sim) => {
      const { s } = await session(sim);
      const states = lastValueFrom(s.state$.pipe(toArray()));
      const chats = lastValueFrom(s.chat$.pipe(toArray()));
      const control = firstValueFrom(s.control$);
      await s.done;
      expect(await states).toEqual(['resolving', 'connecting', 'live', 'ended']);
      const chatList = await chats;
      expect(chatList.length).toBeGreaterThan(0);
      for (const c of chatList) expect(c).toMatchObject({ method: 'WebcastChatMessage', content: expect.any(String) });
      expect(chatList[0]!.user.masked).toBe(true); // a guest session sees masked nicknames
      expect(await control).toMatchObject({ liveEnded: true, action: 3 });
    }));

  it('decodes only what is read: a bot on chat$ alone never decodes gifts, likes or members', () =>
    withSim({}, async (sim) => {
      const decoded = new Set<string>();
      const original = MessageEnvelope.prototype.decode;
      const spy = jest.spyOn(MessageEnvelope.prototype, 'decode').mockImplementation(function (this: MessageEnvelope) {
        decoded.add(this.method);
        return original.call(this);
      });
      try {
        const s = connectLiveSession({ ...FAST, room: '261378947940', endpoints: sim.httpUrl });
        const chats = lastValueFrom(s.chat$.pipe(toArray()));
        expect(await s.done).toEqual({ reason: 'ended' });
        expect((await chats).length).toBeGreaterThan(0);
        // Control messages are decoded by the session itself, to notice the live end.
        expect([...decoded].sort()).toEqual(['WebcastChatMessage', 'WebcastControlMessage']);
      } finally {
        spy.mockRestore();
      }
    }));

  it.each([
    ['an abrupt drop', { dropAfter: 3 }],
    ['a stall', { stallAfter: 3 }],
    ['close 1001', { closeAfter: 3, closeCode: 1001 }],
    ['close 1012', { closeAfter: 3, closeCode: 1012 }],
    ['close 1013', { closeAfter: 3, closeCode: 1013 }],
    ['garbage frames', { garbageEvery: 4 }],
    ['corrupt gzip frames', { corruptGzipEvery: 4 }],
    ['two rejected handshakes', { rejectHandshakes: 2 }],
    ['re-sent messages after a reconnect', { dropAfter: 3, resend: 5 }],
  ] as Array<[string, SimulatorOptions]>)('recovers from %s and delivers every message exactly once', (_name, faults) =>
    withSim(faults, async (sim) => {
      const { s, ids } = await session(sim);
      const errors = lastValueFrom(s.errors$.pipe(toArray()));
      expect(await s.done).toEqual({ reason: 'ended' });
      const received = await ids;
      expect(new Set(received).size).toBe(received.length);
      expect(received).toEqual(sentIds(sim));
      if (faults.garbageEvery || faults.corruptGzipEvery) {
        expect((await errors).some((e) => /DECODE_FAILED|GZIP_FAILED/.test(e.code))).toBe(true);
      }
    }),
  );

  it('comes back as another browser after a 1013, as §4.6 asks', () =>
    withSim({ closeAfter: 3, closeCode: 1013 }, async (sim) => {
      const { s } = await session(sim);
      const opens = lastValueFrom(s.frames$.pipe(toArray())).then((events) =>
        events.flatMap((e) => (e.direction === 'open' ? [new URL(e.url).searchParams.get('browser_version')] : [])),
      );
      expect(await s.done).toEqual({ reason: 'ended' });
      const versions = await opens;
      expect(versions.length).toBeGreaterThanOrEqual(2);
      expect(versions[0]).toContain('Chrome/134.0.0.0');
      expect(versions[1]).toContain('Chrome/133.0.0.0');
    }));

  it('reports on frames$ the very push URL it signed and requested, for every connection', () =>
    withSim({ closeAfter: 3, closeCode: 1012 }, async (sim) => {
      const requested: string[] = [];
      const { s } = await session(sim, {
        beforeRequest: (request) => void (request.kind === 'push' && requested.push(request.url)),
      });
      const opened = lastValueFrom(s.frames$.pipe(toArray())).then((events) =>
        events.flatMap((e) => (e.direction === 'open' ? [e.url] : [])),
      );
      expect(await s.done).toEqual({ reason: 'ended' });
      expect(requested.length).toBeGreaterThanOrEqual(2);
      expect(await opened).toEqual(requested);
    }));

  it('gives up with a typed HANDSHAKE_REJECTED error, not a hang, when every handshake is refused', () =>
    withSim({ rejectHandshakes: 100 }, async (sim) => {
      const { s } = await session(sim, { reconnect: { ...FAST.reconnect, maxHandshakeRejections: 3 } });
      const outcome = await s.done;
      expect(outcome).toMatchObject({
        reason: 'failed',
        error: { code: 'HANDSHAKE_REJECTED', context: { handshakeMsg: 'DEVICE_BLOCKED', handshakeStatus: '415' } },
      });
      await expect(lastValueFrom(s.messages$)).rejects.toMatchObject({ code: 'HANDSHAKE_REJECTED' });
      expect(sim.stats.handshakesRejected).toHaveLength(3);
    }));

  it('reports an unknown room as ROOM_NOT_FOUND', () =>
    withSim({}, async (sim) => {
      const s = connectLiveSession({ ...FAST, room: 'no-such-room', endpoints: sim.httpUrl });
      expect(await s.done).toMatchObject({ reason: 'failed', error: { code: 'ROOM_NOT_FOUND' } });
    }));

  it('refuses a room that is not live with ROOM_NOT_LIVE, and waits politely with waitUntilLive', () =>
    withSim({ scenario: scenario(100_000) }, async (sim) => {
      sim.endLive();
      const refused = connectLiveSession({ ...FAST, room: '261378947940', endpoints: sim.httpUrl });
      expect(await refused.done).toMatchObject({ reason: 'failed', error: { code: 'ROOM_NOT_LIVE' } });

      const enterCalls = () =>
        Object.entries(sim.stats.httpRequests)
          .filter(([p]) => p.startsWith('/webcast/room/web/enter'))
          .reduce((n, [, c]) => n + c, 0);
      const before = enterCalls();
      const waiting = connectLiveSession({
        ...FAST,
        room: '261378947940',
        endpoints: sim.httpUrl,
        waitUntilLive: { pollIntervalMs: 20 },
      });
      await sim.waitFor(() => enterCalls() >= before + 3);
      expect(waiting.state).toBe('resolving');
      await waiting.close();
      expect(await waiting.done).toEqual({ reason: 'closed' });
    }));

  it('joins from the old RENDER_DATA page too', () =>
    withSim({ page: 'render-data' }, async (sim) => {
      const { s, ids } = await session(sim);
      expect(await s.done).toEqual({ reason: 'ended' });
      expect(await ids).toEqual(sentIds(sim));
    }));

  it('close() releases everything: the socket closes and every stream completes', () =>
    withSim({ scenario: scenario(100_000) }, async (sim) => {
      const { s, ids } = await session(sim);
      await firstValueFrom(s.chat$);
      await s.close();
      expect(s.state).toBe('closed');
      expect((await ids).length).toBeGreaterThan(0);
      expect(await s.done).toEqual({ reason: 'closed' });
    }));

  it('sends real nicknames to a logged-in session', () =>
    withSim({}, async (sim) => {
      const { s } = await session(sim, { cookie: 'sessionid=abc123' });
      const chat = await firstValueFrom(s.chat$);
      expect(s.loggedIn).toBe(true);
      expect(chat.user.masked).toBe(false);
      await s.close();
    }));
});
