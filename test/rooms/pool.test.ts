// The room pool end to end: many sessions in one process against one simulator (real sockets on loopback),
// faults injected by the simulator, every room's messages compared with what the simulator sent to it.
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { connectRooms } from '../../packages/core/src/rooms/pool.js';
import { createJoinGate } from '../../packages/core/src/rooms/joinGate.js';
import { createRequestLimiter } from '../../packages/core/src/rooms/requestLimiter.js';
import type { RoomPool, PoolStateEvent } from '../../packages/core/src/rooms/types.js';
import type { LiveSessionOptions } from '../../packages/core/src/session/options.js';
import { simulatedRooms } from '@douyin-live/simulator';
import { startSimulator, type Simulator, type SimulatorOptions } from '@douyin-live/simulator';
import { encodeFrame, messageFactory } from '@douyin-live/testing';

const FAST: Omit<LiveSessionOptions, 'room'> = {
  heartbeatIntervalMs: 100,
  // Generous: fifty rooms share one event loop with the simulator, so a frame can be late without a stall.
  stallTimeoutMs: 3000,
  reconnect: { initialDelayMs: 20, maxDelayMs: 100, jitterMs: 10, closeCodeDelayMs: { 1001: 20, 1012: 20, 1013: 20 } },
};

// ~40 messages/s per room: enough to cross several frames per connection within a second.
const scenario = { tickMs: 25, chatPerSecond: 20, likePerSecond: 8, memberPerSecond: 8, giftPerSecond: 2 };

async function withSim(count: number, options: SimulatorOptions, body: (sim: Simulator) => Promise<void>) {
  const sim = await startSimulator({ rooms: simulatedRooms(count, { scenario }), ...options });
  try {
    await body(sim);
  } finally {
    await sim.close();
  }
}

/** Polls until `predicate` holds (the pool and the simulator have no common event to wait on). */
async function until(predicate: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Message ids the pool emitted, per room key. */
function collect(pool: RoomPool): Map<string, string[]> {
  const byRoom = new Map<string, string[]>();
  pool.messages$.subscribe(({ room, message }) => {
    let list = byRoom.get(room);
    if (list === undefined) byRoom.set(room, (list = []));
    list.push(message.msgId);
  });
  return byRoom;
}

/** Message ids the simulator delivered to a room (pushed or in im/fetch), in order, without repeats. */
const sentIds = (sim: Simulator, webRid: string) => [
  ...new Set((sim.stats.messagesSent[webRid] ?? []).map((m) => m.msgId)),
];

describe('connectRooms', () => {
  it('delivers every message of 50 rooms exactly once, through drops, refused handshakes and garbage', () =>
    withSim(
      50,
      // The first 8 connections (of whichever rooms get there first) are cut after 2 frames, the first 2
      // handshakes are refused, and every connection gets a garbage frame after every 7th frame.
      { faultConnections: 8, dropAfter: 2, rejectHandshakes: 2, garbageEvery: 7 },
      async (sim) => {
        const webRids = sim.rooms.map((r) => r.webRid);
        const pool = connectRooms(
          // Every fifth room logs in (its own cookie): real nicknames for it, masked for the others.
          webRids.map((webRid, i) => (i % 5 === 0 ? { room: webRid, cookie: `sessionid=s${i}` } : webRid)),
          {
            session: { ...FAST, endpoints: sim.httpUrl },
            maxConcurrentJoins: 10,
            requestIntervalMs: 1,
            requestJitterMs: 2,
          },
        );
        const received = collect(pool);
        const masked = new Map<string, boolean>();
        pool.chat$.subscribe(({ room, message }) => masked.set(room, message.user.masked));
        const errors = lastValueFrom(pool.errors$.pipe(toArray()));
        try {
          await until(() =>
            webRids.every((w) => pool.states.get(w) === 'live' && (received.get(w)?.length ?? 0) >= 40),
          );
          for (const webRid of webRids) sim.endLive(webRid);
          const outcomes = await Promise.all(webRids.map((w) => pool.room(w).done));
          expect(outcomes.every((o) => o.reason === 'ended')).toBe(true);

          for (const webRid of webRids) {
            const ids = received.get(webRid) ?? [];
            expect(new Set(ids).size).toBe(ids.length);
            expect(ids).toEqual(sentIds(sim, webRid));
          }
          // The faults did happen: drops and refusals were recovered from, garbage was reported, not fatal.
          expect(sim.stats.connections.filter((c) => c.closeCause === 'fault-drop')).toHaveLength(8);
          expect(sim.stats.handshakesRejected).toHaveLength(2);
          expect(webRids.filter((_, i) => i % 5 === 0).every((w) => masked.get(w) === false)).toBe(true);
          expect(webRids.filter((_, i) => i % 5 !== 0).every((w) => masked.get(w) === true)).toBe(true);
        } finally {
          await pool.close();
        }
        const all = await errors;
        expect(all.some((e) => e.error.code === 'FRAME_DECODE_FAILED' && !e.fatal)).toBe(true);
        expect(all.filter((e) => e.fatal)).toEqual([]);
        expect(pool.stats).toMatchObject({ rooms: 50, live: 0 });
      },
    ));

  it('adds and removes rooms while running, without disturbing the others', () =>
    withSim(4, {}, async (sim) => {
      const [a, b, c, d] = sim.rooms.map((r) => r.webRid) as [string, string, string, string];
      const pool = connectRooms([a, b], { session: { ...FAST, endpoints: sim.httpUrl }, requestIntervalMs: 1 });
      const received = collect(pool);
      const states: PoolStateEvent[] = [];
      pool.states$.subscribe((e) => states.push(e));
      try {
        await until(() => pool.states.get(a) === 'live' && pool.states.get(b) === 'live');

        // Added while running, under its own key and with its own options.
        const added = pool.add({ roomId: sim.rooms[2]!.roomId, webRid: c }, { key: 'third', cookie: 'sessionid=x' });
        expect(pool.room('third')).toBe(added);
        expect(pool.rooms).toEqual([a, b, 'third']);
        const firstChat = await firstValueFrom(pool.chat$.pipe(filter((m) => m.room === 'third')));
        expect(firstChat).toMatchObject({ roomId: sim.rooms[2]!.roomId, message: { user: { masked: false } } });
        expect(() => pool.add(c, { key: 'third' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));

        // Removed while running: its session closes, its messages stop, the others go on.
        const session = pool.room(a);
        await pool.remove(a);
        expect(session.state).toBe('closed');
        expect(await session.done).toEqual({ reason: 'closed' });
        expect(pool.has(a)).toBe(false);
        expect(() => pool.room(a)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
        const countA = received.get(a)!.length;
        const countB = received.get(b)!.length;
        await until(() => received.get(b)!.length > countB + 10 && received.get('third')!.length > 10);
        expect(received.get(a)!.length).toBe(countA);
        expect(pool.states.get(b)).toBe('live');

        // A removed key can come back.
        pool.add(a);
        pool.add(d);
        await until(() => pool.states.get(a) === 'live' && pool.states.get(d) === 'live');
        expect(pool.rooms).toEqual([b, 'third', a, d]);
        expect(states).toContainEqual({ room: a, state: 'closed' });
        expect(states.filter((e) => e.room === 'third').map((e) => e.state)).toEqual([
          'queued',
          'resolving',
          'connecting',
          'live',
        ]);
      } finally {
        await pool.close();
      }
      // close() ends every room and completes the pool's streams.
      expect([...pool.states.values()].every((s) => s === 'closed')).toBe(true);
      expect(await lastValueFrom(pool.messages$.pipe(toArray()))).toEqual([]);
      expect(() => pool.add(c)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }));

  it('reports a room that fails on errors$, tagged with it, while the others complete', () =>
    withSim(2, {}, async (sim) => {
      const webRids = sim.rooms.map((r) => r.webRid);
      const pool = connectRooms(['no-such-room', ...webRids], {
        session: { ...FAST, endpoints: sim.httpUrl },
        requestIntervalMs: 1,
      });
      const received = collect(pool);
      const fatal = firstValueFrom(pool.errors$.pipe(filter((e) => e.fatal)));
      try {
        expect(await fatal).toMatchObject({ room: 'no-such-room', fatal: true, error: { code: 'ROOM_NOT_FOUND' } });
        expect(await pool.room('no-such-room').done).toMatchObject({ reason: 'failed' });
        expect(pool.states.get('no-such-room')).toBe('closed');
        await until(() => webRids.every((w) => (received.get(w)?.length ?? 0) >= 20));
        for (const w of webRids) sim.endLive(w);
        for (const w of webRids) {
          expect(await pool.room(w).done).toEqual({ reason: 'ended' });
          expect(received.get(w)).toEqual(sentIds(sim, w));
        }
        expect(received.has('no-such-room')).toBe(false);
      } finally {
        await pool.close();
      }
    }));

  it('reports a message whose payload does not decode on errors$, not fatal, tagged, and delivers the rest', async () => {
    const f = messageFactory({ now: () => 0 });
    const bad = { method: 'WebcastChatMessage', msgId: '7400100000000000900', payload: Uint8Array.of(0xff) };
    const good = f.chat('a', 'still here');
    const frame = encodeFrame({ response: { messages: [bad, good], needAck: true, cursor: 'c1', internalExt: 'x' } });
    let sent = false;
    const sim = await startSimulator({
      rooms: simulatedRooms(1, {
        room: () => ({ source: () => ({ next: () => (sent ? undefined : ((sent = true), { atMs: 0, frame })) }) }),
      }),
      // The one frame is pushed once the pool's socket is in, then the live ends.
      liveStarts: 'on-first-connection',
    });
    const [webRid] = sim.rooms.map((r) => r.webRid);
    const pool = connectRooms([webRid!], { session: { ...FAST, endpoints: sim.httpUrl }, requestIntervalMs: 1 });
    try {
      const errors = lastValueFrom(pool.errors$.pipe(toArray()));
      const messages = lastValueFrom(pool.messages$.pipe(toArray()));
      expect(await pool.room(webRid!).done).toEqual({ reason: 'ended' });
      expect(pool.room(webRid!).stats.decodeFailures).toBe(1);
      await pool.close();
      expect(await errors).toEqual([
        {
          room: webRid,
          fatal: false,
          error: expect.objectContaining({
            code: 'MESSAGE_DECODE_FAILED',
            context: expect.objectContaining({ msgId: bad.msgId }),
          }),
        },
      ]);
      expect((await messages).map((m) => [m.room, m.message.msgId])).toEqual([
        [webRid, good.msgId],
        [webRid, expect.any(String)], // the live-end ControlMessage
      ]);
    } finally {
      await pool.close();
      await sim.close();
    }
  });

  it("gives a room's own streams, first read while it is live, the same messages and errors as the pool from then on", () =>
    // A garbage frame after every 5th frame: FRAME_DECODE_FAILED errors keep coming on both sides.
    withSim(2, { garbageEvery: 5 }, async (sim) => {
      const [a, b] = sim.rooms.map((r) => r.webRid) as [string, string];
      const pool = connectRooms([a, b], {
        session: { ...FAST, endpoints: sim.httpUrl },
        requestIntervalMs: 1,
        requestJitterMs: 1,
      });
      try {
        const before = collect(pool);
        await until(() => pool.states.get(a) === 'live' && (before.get(a)?.length ?? 0) >= 10);
        // From here on, the pool's view of room a and the session's own streams (built on this first read).
        const fromPool: string[] = [];
        const poolErrors: string[] = [];
        pool.messages$.pipe(filter((m) => m.room === a)).subscribe(({ message }) => fromPool.push(message.msgId));
        pool.errors$.pipe(filter((e) => e.room === a)).subscribe(({ error }) => poolErrors.push(error.code));
        const own = pool.room(a);
        const fromSession = lastValueFrom(own.messages$.pipe(toArray()));
        const sessionErrors = lastValueFrom(own.errors$.pipe(toArray()));
        await until(() => fromPool.length >= 60 && poolErrors.length >= 2);
        sim.endLive(a);
        expect(await own.done).toEqual({ reason: 'ended' });
        expect((await fromSession).map((m) => m.msgId)).toEqual(fromPool);
        expect((await sessionErrors).map((e) => e.code)).toEqual(poolErrors);
        expect(poolErrors.every((code) => code === 'FRAME_DECODE_FAILED')).toBe(true);
      } finally {
        await pool.close();
      }
    }));

  it('caps simultaneous joins and queues the rest', () =>
    // Slow room pages keep each join open long enough for the others to pile up behind the cap.
    withSim(12, { slowPage: 40 }, async (sim) => {
      const gate = createJoinGate(3);
      let maxActive = 0;
      const pool = connectRooms(
        sim.rooms.map((r) => r.webRid),
        {
          session: {
            ...FAST,
            endpoints: sim.httpUrl,
            // Called after the pool's own hook, i.e. while the room holds its join slot.
            beforeRequest: () => void (maxActive = Math.max(maxActive, gate.active)),
          },
          joinGate: gate,
          requestIntervalMs: 0,
          requestJitterMs: 0,
        },
      );
      const queued = new Set<string>();
      pool.states$.subscribe(({ room, state }) => state === 'queued' && queued.add(room));
      try {
        await until(() => pool.stats.joining === 3);
        expect(pool.stats).toMatchObject({ rooms: 12, queued: 9, joining: 3 });
        await until(() => pool.stats.live === 12);
        expect(maxActive).toBe(3);
        expect(queued.size).toBe(12); // every room starts queued; nine of them actually waited
        expect(gate.active).toBe(0);
        expect(gate.pending).toBe(0);
      } finally {
        await pool.close();
      }
    }));

  it('paces every HTTP request and WebSocket handshake of every room through one shared limiter', () =>
    withSim(6, {}, async (sim) => {
      const times: number[] = [];
      const limiter = createRequestLimiter({ intervalMs: 15, jitterMs: 10, burst: 1, now: () => performance.now() });
      const pool = connectRooms(
        sim.rooms.map((r) => r.webRid),
        {
          session: { ...FAST, endpoints: sim.httpUrl, beforeRequest: () => void times.push(performance.now()) },
          limiter,
          maxConcurrentJoins: 6,
        },
      );
      try {
        await until(() => pool.stats.live === 6);
        const requests = Object.values(sim.stats.httpRequests).reduce((n, c) => n + c, 0);
        const handshakes = sim.stats.handshakesAccepted;
        // ttwid, page, web/enter and im/fetch per room, plus its handshake: every one through the limiter.
        expect(requests).toBe(24);
        expect(handshakes).toBe(6);
        expect(limiter.stats.granted).toBe(requests + handshakes);
        expect(pool.stats.requests).toBe(30);
        const gaps = times.slice(1).map((t, i) => t - times[i]!);
        // Timers may fire up to a millisecond early against performance.now(); never a whole interval.
        expect(Math.min(...gaps)).toBeGreaterThanOrEqual(14);
      } finally {
        await pool.close();
      }
    }));

  it('aborts queued joins on close without waiting for their turn', () =>
    withSim(1, {}, async (sim) => {
      const limiter = createRequestLimiter({ intervalMs: 60_000, jitterMs: 0, burst: 1 });
      const webRid = sim.rooms[0]!.webRid;
      const pool = connectRooms([webRid, { room: webRid, key: 'again' }], {
        session: { ...FAST, endpoints: sim.httpUrl },
        limiter,
      });
      await until(() => limiter.pending === 2);
      await pool.close();
      expect(await pool.room('again').done).toEqual({ reason: 'closed' });
      expect(limiter.pending).toBe(0);
    }));
});
