/**
 * A fleet worker: holds a fair share of the rooms listed in Redis, each through a lease that it renews while
 * healthy, runs one live session per room, and appends every message once to the fleet's streams. Rooms above
 * its share are handed over gracefully (final append with the cursor, then the lease released), a dead worker's
 * rooms are taken over once its leases expire, and the next owner resumes from the stored cursor.
 */
import { hostname } from 'node:os';
import type { ChainableCommander } from 'ioredis';
import { Subject, type Observable, type Subscription } from 'rxjs';
import {
  connectLiveSession,
  DouyinLiveError,
  ErrorCodes,
  messageToJson,
  toJsonLine,
  type LiveSession,
  type SessionOutcome,
} from '@douyin-live/core';
import { fleetKeys, type FleetKeys } from './keys.js';
import { resolveFleetWorkerOptions, type FleetWorkerOptions, type ResolvedFleetWorkerOptions } from './options.js';
import { fleetPipeline, openRedis, redisError, type FleetPipeline, type FleetRedis } from './redis.js';

/** Most messages in one call of the append script (a long backlog goes as several calls of one pipeline). */
const MAX_MESSAGES_PER_APPEND = 500;

/** How many rooms a worker checks for a free lease per round trip while it is below its share. */
const CANDIDATES_PER_ROUND = 200;

/** A worker does not take back a room it just handed over for this many rebalance intervals. */
const HANDOVER_COOLDOWN_INTERVALS = 3;

/** Session default for fleet rooms: as `connectRooms`, repeats come within seconds, so 2 000 ids suffice. */
const FLEET_SESSION_DEDUPE_WINDOW = 2_000;

/** Something a worker did with a room. */
export interface FleetWorkerEvent {
  /**
   * `acquired` (lease taken, joining), `handed-over` (gracefully released with its cursor), `lost` (the lease
   * expired or went to another worker), `ended` (the live ended; marked ended), `failed` (retried later with
   * backoff), `removed` (taken out of the fleet).
   */
  readonly kind: 'acquired' | 'handed-over' | 'lost' | 'ended' | 'failed' | 'removed';
  readonly room: string;
  /** Why a room failed. */
  readonly error?: DouyinLiveError | undefined;
}

/** Counters of a worker. */
export interface FleetWorkerStats {
  /** Rooms held now. */
  held: number;
  /** Leases taken. */
  acquired: number;
  /** Rooms handed over gracefully. */
  handedOver: number;
  /** Leases found lost at renewal. */
  lost: number;
  /** Messages appended to the streams by this worker. */
  appended: number;
  /** Messages the append script skipped because their msgId was already appended. */
  duplicates: number;
  /** Redis round trips that failed (retried). */
  redisErrors: number;
}

/** A running fleet worker. */
export interface FleetWorker {
  /** The worker's name. */
  readonly name: string;
  /** The rooms held now. */
  readonly rooms: readonly string[];
  /** Live counters. */
  readonly stats: Readonly<FleetWorkerStats>;
  /** What happens to rooms. */
  readonly events$: Observable<FleetWorkerEvent>;
  /** Redis failures (retried) and other non-fatal problems. */
  readonly errors$: Observable<DouyinLiveError>;
  /** The session of a held room, if held. */
  session(room: string): LiveSession | undefined;
  /** Hands every room over (final append with cursor, leases released), leaves the fleet and closes its connection. */
  stop(): Promise<void>;
}

/** One message waiting to be appended. */
interface Pending {
  readonly msgId: string;
  readonly method: string;
  readonly json: string;
}

/** A room this worker holds. */
interface Held {
  readonly room: string;
  readonly session: LiveSession;
  readonly subscriptions: Subscription[];
  buffer: Pending[];
  /** State fields to write with the next flush. */
  pendingState: Record<string, string | number> | undefined;
  pendingGaps: number;
  /** Closing on purpose (handover, loss, removal, stop): the session's end is not a failure. */
  closing: boolean;
}

/** Starts a fleet worker; see {@link FleetWorkerOptions}. */
export function startFleetWorker(options: FleetWorkerOptions): FleetWorker {
  return new FleetWorkerImpl(resolveFleetWorkerOptions(options));
}

class FleetWorkerImpl implements FleetWorker {
  private readonly redis: FleetRedis;
  private readonly keys: FleetKeys;
  private readonly holder: string;
  private readonly held = new Map<string, Held>();
  private readonly cooldown = new Map<string, number>();
  private readonly events = new Subject<FleetWorkerEvent>();
  private readonly errors = new Subject<DouyinLiveError>();
  private readonly startedAt = Date.now();
  private rebalanceTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private renewing = false;
  private ticking: Promise<void> = Promise.resolve();
  private flushing: Promise<void> = Promise.resolve();
  private flushQueued = false;
  private stopping: Promise<void> | undefined;
  private ticks = 0;

  readonly name: string;
  readonly stats: FleetWorkerStats = {
    held: 0,
    acquired: 0,
    handedOver: 0,
    lost: 0,
    appended: 0,
    duplicates: 0,
    redisErrors: 0,
  };
  readonly events$ = this.events.asObservable();
  readonly errors$ = this.errors.asObservable();

  constructor(private readonly o: ResolvedFleetWorkerOptions) {
    this.name = o.name;
    this.holder = `${o.name}#${o.instance}`;
    this.keys = fleetKeys(o.prefix);
    this.redis = openRedis(o.redis, `douyin-live-fleet-worker:${o.name}`);
    // ioredis reconnects by itself; an 'error' listener keeps a down server from being an unhandled event.
    this.redis.on('error', () => undefined);
    this.scheduleRebalance(0);
    this.flushTimer = setInterval(() => void this.flush(), o.flushIntervalMs);
    // Renewals run on their own clock: a slow rebalance round (many joins) must not let leases lapse.
    this.renewTimer = setInterval(() => void this.renew(), o.leaseMs / 3);
  }

  get rooms(): readonly string[] {
    return [...this.held.keys()];
  }

  session(room: string): LiveSession | undefined {
    return this.held.get(room)?.session;
  }

  stop(): Promise<void> {
    return (this.stopping ??= this.shutdown());
  }

  // ---- rebalancing --------------------------------------------------------------------------------

  private scheduleRebalance(delayMs: number): void {
    if (this.stopping) return;
    this.rebalanceTimer = setTimeout(() => {
      this.ticking = this.rebalance()
        .catch((error: unknown) => this.report(redisError('rebalance', error)))
        .finally(() => {
          const interval = this.o.rebalanceIntervalMs;
          this.scheduleRebalance(interval + Math.random() * interval * 0.25);
        });
    }, delayMs);
  }

  /** Heartbeat, lease renewal, then give rooms above the fair share away or take free rooms up to it. */
  private async rebalance(): Promise<void> {
    const o = this.o;
    const now = await this.redis.serverTime();
    const heartbeat = fleetPipeline(this.redis);
    heartbeat.zadd(this.keys.workers, now, o.name);
    heartbeat.hset(this.keys.worker(o.name), {
      name: o.name,
      instance: o.instance,
      host: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      heartbeatAt: now,
      rooms: JSON.stringify(this.rooms),
      appended: this.stats.appended,
    });
    heartbeat.pexpire(this.keys.worker(o.name), o.leaseMs * 4);
    // Workers silent for twenty lease times are forgotten.
    heartbeat.zremrangebyscore(this.keys.workers, '-inf', now - o.leaseMs * 20);
    heartbeat.zcount(this.keys.workers, now - o.leaseMs, '+inf');
    heartbeat.hkeys(this.keys.rooms);
    heartbeat.smembers(this.keys.ended);
    const replies = await execOrThrow(heartbeat);
    const liveWorkers = Math.max(1, Number(replies[4]));
    const listed = new Set(replies[5] as string[]);
    const ended = new Set(replies[6] as string[]);
    if (this.stopping) return;
    for (const h of this.held.values()) if (!listed.has(h.room) && !h.closing) void this.drop(h, 'removed');
    // The first round only announces this worker, so workers started together split the rooms at once.
    if (this.ticks++ === 0) return;
    for (const [room, until] of this.cooldown) if (until <= now) this.cooldown.delete(room);

    const active = [...listed].filter((room) => !ended.has(room));
    const share = Math.min(o.maxRooms, Math.ceil(active.length / liveWorkers));
    const holding = [...this.held.values()].filter((h) => !h.closing);
    if (holding.length > share) {
      const excess = shuffle(holding).slice(0, holding.length - share);
      await Promise.all(excess.map((h) => this.drop(h, 'handed-over')));
      const until = now + o.rebalanceIntervalMs * HANDOVER_COOLDOWN_INTERVALS;
      for (const h of excess) this.cooldown.set(h.room, until);
      return;
    }
    let wanted = share - holding.length;
    const candidates = shuffle(active.filter((room) => !this.held.has(room) && !this.cooldown.has(room)));
    for (let i = 0; i < candidates.length && wanted > 0 && !this.stopping; i += CANDIDATES_PER_ROUND) {
      const round = candidates.slice(i, i + CANDIDATES_PER_ROUND);
      const check = fleetPipeline(this.redis);
      for (const room of round) {
        check.exists(this.keys.room(room).owner);
        check.hget(this.keys.room(room).state, 'nextAttemptAt');
      }
      const found = await execOrThrow(check);
      const free = round.filter((_, j) => Number(found[j * 2]) === 0 && Number(found[j * 2 + 1] ?? 0) <= now);
      const take = free.slice(0, wanted);
      if (take.length === 0) continue;
      const acquire = fleetPipeline(this.redis);
      for (const room of take) acquire.set(this.keys.room(room).owner, this.holder, 'PX', o.leaseMs, 'NX');
      const got = await execOrThrow(acquire);
      for (const [j, room] of take.entries()) {
        if (got[j] !== 'OK' || this.stopping) continue;
        wanted--;
        await this.join(room, now);
      }
    }
  }

  /** Extends every held lease; a lease found gone or taken means the room is lost. */
  private async renew(): Promise<void> {
    if (this.renewing || this.stopping) return;
    this.renewing = true;
    try {
      const holding = [...this.held.values()].filter((h) => !h.closing);
      if (holding.length === 0) return;
      const pipeline = fleetPipeline(this.redis);
      for (const h of holding) pipeline.renewLease(this.keys.room(h.room).owner, this.holder, this.o.leaseMs);
      const replies = await execOrThrow(pipeline);
      holding.forEach((h, i) => {
        if (Number(replies[i]) !== 1) void this.drop(h, 'lost');
      });
    } catch (error) {
      this.report(redisError('renew', error));
    } finally {
      this.renewing = false;
    }
  }

  // ---- rooms --------------------------------------------------------------------------------------

  /** Joins a room whose lease was just taken, resuming from its stored cursor when there is one. */
  private async join(room: string, now: number): Promise<void> {
    const keys = this.keys.room(room);
    const read = fleetPipeline(this.redis);
    read.hgetall(keys.resume);
    read.hget(keys.state, 'messages');
    const [resume, messages] = (await execOrThrow(read)) as [Record<string, string>, string | null];
    const cursor = resume['cursor'];
    const session = connectLiveSession({
      dedupeWindow: FLEET_SESSION_DEDUPE_WINDOW,
      ...this.o.session,
      room,
      ...(cursor ? { resume: { cursor, internalExt: resume['internalExt'] || undefined } } : {}),
      beforeRequest: () => this.pace(),
    });
    const h: Held = {
      room,
      session,
      subscriptions: [],
      buffer: [],
      pendingState: { owner: this.o.name, state: 'joining', since: now, error: '' },
      // Messages were appended for this room but no cursor was stored with them (the owner lost its lease before
      // it could, or the resume point was deleted): what happened in between cannot be proven continuous.
      pendingGaps: !cursor && Number(messages ?? 0) > 0 ? 1 : 0,
      closing: false,
    };
    this.held.set(room, h);
    this.stats.held = this.held.size;
    this.stats.acquired++;
    h.subscriptions.push(
      session.messages$.subscribe({
        next: (m) => h.buffer.push({ msgId: m.msgId, method: m.method, json: toJsonLine(messageToJson(m)) }),
        error: () => undefined,
      }),
      session.state$.subscribe((state) => {
        h.pendingState = { ...h.pendingState, owner: this.o.name, state };
        if (state === 'live') h.pendingState['failures'] = 0;
      }),
      session.gaps$.subscribe(() => h.pendingGaps++),
    );
    this.events.next({ kind: 'acquired', room });
    void session.done.then((outcome) => this.onSessionDone(h, outcome));
  }

  /** A session ended by itself: an ended live is marked ended; a failure is retried later with backoff. */
  private async onSessionDone(h: Held, outcome: SessionOutcome): Promise<void> {
    if (h.closing) return;
    h.closing = true;
    await this.flush();
    const keys = this.keys.room(h.room);
    const now = await this.redis.serverTime();
    const tx = fleetPipeline(this.redis);
    // A room that was live in this fleet before (it has a stored resume point) and now answers "not live" has
    // ended between two owners (a failover or handover around the live's end): mark it ended, or it would back
    // off and retry forever. A room never seen live yet keeps being retried: it may still go live.
    const endedMeanwhile =
      outcome.reason === 'failed' &&
      outcome.error.code === ErrorCodes.ROOM_NOT_LIVE &&
      (await this.redis.exists(keys.resume)) === 1;
    if (outcome.reason === 'failed' && !endedMeanwhile) {
      const failures = Number(await this.redis.hincrby(keys.state, 'failures', 1));
      const delay = Math.min(this.o.retryMaxDelayMs, this.o.retryInitialDelayMs * 2 ** (failures - 1));
      tx.updateState(
        keys.owner,
        keys.state,
        this.holder,
        0,
        ...pairs({
          state: 'backoff',
          owner: '',
          error: `${outcome.error.code}: ${outcome.error.message}`,
          nextAttemptAt: Math.round(now + delay * (0.75 + Math.random() * 0.5)),
        }),
      );
    } else {
      tx.updateState(keys.owner, keys.state, this.holder, 0, ...pairs({ state: 'ended', owner: '', endedAt: now }));
      tx.sadd(this.keys.ended, h.room);
    }
    tx.releaseLease(keys.owner, this.holder);
    await execOrThrow(tx).catch((error: unknown) => this.report(redisError('room end', error)));
    this.forget(h);
    this.events.next(
      outcome.reason === 'failed' && !endedMeanwhile
        ? { kind: 'failed', room: h.room, error: outcome.error }
        : { kind: 'ended', room: h.room },
    );
  }

  /**
   * Lets a room go: closes its session, appends what it received (with the final cursor while the lease is
   * still ours), then releases the lease unless it was already lost.
   */
  private async drop(h: Held, kind: 'handed-over' | 'lost' | 'removed'): Promise<void> {
    if (h.closing) return;
    h.closing = true;
    await h.session.close();
    if (kind !== 'lost') h.pendingState = { ...h.pendingState, state: 'released', owner: '' };
    await this.flush();
    if (kind !== 'lost') {
      await this.redis
        .releaseLease(this.keys.room(h.room).owner, this.holder)
        .catch((error: unknown) => this.report(redisError('release', error)));
    }
    this.forget(h);
    if (kind === 'handed-over') this.stats.handedOver++;
    if (kind === 'lost') this.stats.lost++;
    this.events.next({ kind, room: h.room });
  }

  private forget(h: Held): void {
    for (const s of h.subscriptions) s.unsubscribe();
    if (this.held.get(h.room) === h) this.held.delete(h.room);
    this.stats.held = this.held.size;
  }

  /** Waits for the fleet-wide pace before an HTTP request or handshake of any room. */
  private async pace(): Promise<void> {
    const o = this.o;
    if (o.requestIntervalMs <= 0) return;
    const jitter = Math.floor(Math.random() * o.requestJitterMs);
    const wait = await this.redis.reservePace(this.keys.pace, o.requestIntervalMs, o.requestBurst, jitter);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }

  // ---- appending ----------------------------------------------------------------------------------

  /** Appends every buffered message (one pipeline, in order per room); resolves once this flush is done. */
  private flush(): Promise<void> {
    if (this.flushQueued) return this.flushing;
    this.flushQueued = true;
    this.flushing = this.flushing.then(async () => {
      this.flushQueued = false;
      await this.flushOnce();
    });
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    const o = this.o;
    const batches: { h: Held; messages: Pending[]; state: Held['pendingState']; gaps: number }[] = [];
    const pipeline = fleetPipeline(this.redis);
    const appendSlots: { batch: number; reply: number }[] = [];
    let commands = 0;
    for (const h of this.held.values()) {
      if (h.buffer.length === 0 && h.pendingState === undefined && h.pendingGaps === 0) continue;
      // Taken together, synchronously: the cursor read now covers exactly the messages taken.
      const messages = h.buffer;
      const cursor = h.session.resumeState;
      const batch = { h, messages, state: h.pendingState, gaps: h.pendingGaps };
      h.buffer = [];
      h.pendingState = undefined;
      h.pendingGaps = 0;
      const index = batches.push(batch) - 1;
      const keys = this.keys.room(h.room);
      const roomId = h.session.room?.roomId ?? '';
      for (let i = 0; i < messages.length || (i === 0 && cursor); i += MAX_MESSAGES_PER_APPEND) {
        const chunk = messages.slice(i, i + MAX_MESSAGES_PER_APPEND);
        const last = i + MAX_MESSAGES_PER_APPEND >= messages.length;
        const args: (string | number)[] = [
          this.keys.messages,
          keys.messages,
          keys.seen,
          keys.state,
          keys.owner,
          keys.resume,
          o.maxLen,
          o.roomMaxLen,
          o.idMemoryMs,
          o.idMemorySize,
          this.holder,
          last && cursor ? cursor.cursor : '',
          last && cursor ? (cursor.internalExt ?? '') : '',
          h.room,
          roomId,
        ];
        for (const m of chunk) args.push(m.msgId, m.method, m.json);
        pipeline.appendMessages(...args);
        appendSlots.push({ batch: index, reply: commands++ });
      }
      if (batch.state || batch.gaps > 0) {
        const fields = batch.state ? pairs({ ...batch.state, roomId, updatedAt: Date.now() }) : [];
        pipeline.updateState(keys.owner, keys.state, this.holder, batch.gaps, ...fields);
        commands++;
      }
    }
    if (batches.length === 0) return;
    let replies: unknown[];
    try {
      replies = await execOrThrow(pipeline);
    } catch (error) {
      // Put everything back in front: the append is idempotent, so a batch that partly went in is harmless.
      for (const b of batches) {
        b.h.buffer = [...b.messages, ...b.h.buffer];
        b.h.pendingState = b.state === undefined ? b.h.pendingState : { ...b.state, ...b.h.pendingState };
        b.h.pendingGaps += b.gaps;
      }
      this.report(redisError('append', error));
      return;
    }
    appendSlots.forEach((slot) => {
      const [appended, duplicates, owned] = replies[slot.reply] as [number, number, number];
      this.stats.appended += appended;
      this.stats.duplicates += duplicates;
      const h = batches[slot.batch]!.h;
      if (owned === 0 && !h.closing) void this.drop(h, 'lost');
    });
  }

  private report(error: DouyinLiveError): void {
    this.stats.redisErrors++;
    this.errors.next(error);
  }

  // ---- stopping -----------------------------------------------------------------------------------

  private async shutdown(): Promise<void> {
    clearTimeout(this.rebalanceTimer);
    clearInterval(this.renewTimer);
    await this.ticking;
    await Promise.all([...this.held.values()].map((h) => this.drop(h, 'handed-over')));
    clearInterval(this.flushTimer);
    await this.flush();
    const leave = fleetPipeline(this.redis);
    leave.zrem(this.keys.workers, this.o.name);
    leave.del(this.keys.worker(this.o.name));
    await execOrThrow(leave).catch((error: unknown) => this.report(redisError('leave', error)));
    this.events.complete();
    this.errors.complete();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/** Runs a pipeline; the first failed command rejects with a coded error. */
export async function execOrThrow(pipeline: FleetPipeline | ChainableCommander): Promise<unknown[]> {
  const results = (await pipeline.exec()) ?? [];
  if (results.length === 0 && pipeline.length > 0) throw new DouyinLiveError(ErrorCodes.REDIS_FAILED, 'no reply');
  return results.map(([error, value]) => {
    if (error) throw new DouyinLiveError(ErrorCodes.REDIS_FAILED, error.message, {}, { cause: error });
    return value;
  });
}

/** An object as HSET's flat field/value list. */
function pairs(fields: Record<string, string | number>): (string | number)[] {
  return Object.entries(fields).flat();
}

/** A shuffled copy. */
function shuffle<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
