/** Options of the fleet's worker and consumer: one defaults object each, merged in one function each. */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DouyinLiveError, ErrorCodes, type LiveSessionOptions } from '@douyin-live/core';
import { assertRedisInput, type RedisInput } from './redis.js';

/** Options of `startFleetWorker`. Only `redis` is required. */
export interface FleetWorkerOptions {
  /** The fleet's Redis: `redis://host:port[/db]` or an ioredis client (duplicated, never closed by the worker). */
  readonly redis: RedisInput;
  /** Prefix of every key. @defaultValue `'douyin-live:'` */
  readonly prefix?: string | undefined;
  /** The worker's name in status output and leases. @defaultValue `<hostname>-<pid>` */
  readonly name?: string | undefined;
  /** Most rooms this worker holds, whatever its fair share. @defaultValue `Infinity` */
  readonly maxRooms?: number | undefined;
  /** Lease time, ms: a dead worker's rooms are free again this long after its last renewal. @defaultValue 15000 */
  readonly leaseMs?: number | undefined;
  /** How often ownership and fair share are checked, ms (plus up to a quarter of it as jitter). @defaultValue 1000 */
  readonly rebalanceIntervalMs?: number | undefined;
  /** How often buffered messages are appended to Redis, ms. @defaultValue 50 */
  readonly flushIntervalMs?: number | undefined;
  /** Least time between two HTTP requests or handshakes of the whole fleet, ms (0: no pace). @defaultValue 100 */
  readonly requestIntervalMs?: number | undefined;
  /** Random extra spacing per request, up to this many ms. @defaultValue 150 */
  readonly requestJitterMs?: number | undefined;
  /** Requests an idle fleet sends at once before the spacing applies. @defaultValue 4 */
  readonly requestBurst?: number | undefined;
  /** First retry delay of a room whose session failed, ms; doubles per failure. @defaultValue 5000 */
  readonly retryInitialDelayMs?: number | undefined;
  /** Longest retry delay of a failing room, ms. @defaultValue 600000 */
  readonly retryMaxDelayMs?: number | undefined;
  /** Approximate cap (`MAXLEN ~`) of `<prefix>messages`. @defaultValue 1000000 */
  readonly maxLen?: number | undefined;
  /** Approximate cap (`MAXLEN ~`) of each room's stream. @defaultValue 1000 */
  readonly roomMaxLen?: number | undefined;
  /** How long an appended msgId is remembered for the idempotent append, ms. @defaultValue 600000 */
  readonly idMemoryMs?: number | undefined;
  /** How many appended msgIds each room remembers at most. @defaultValue 2000 */
  readonly idMemorySize?: number | undefined;
  /** Session options of every room (cookie, endpoints, reconnect...); `room`, `resume`, `beforeRequest` are the worker's. */
  readonly session?: Omit<LiveSessionOptions, 'room' | 'resume' | 'beforeRequest'> | undefined;
}

/** Every worker option resolved. */
export interface ResolvedFleetWorkerOptions {
  readonly redis: RedisInput;
  readonly prefix: string;
  readonly name: string;
  /** Distinguishes two runs of a worker with the same name in lease values. */
  readonly instance: string;
  readonly maxRooms: number;
  readonly leaseMs: number;
  readonly rebalanceIntervalMs: number;
  readonly flushIntervalMs: number;
  readonly requestIntervalMs: number;
  readonly requestJitterMs: number;
  readonly requestBurst: number;
  readonly retryInitialDelayMs: number;
  readonly retryMaxDelayMs: number;
  readonly maxLen: number;
  readonly roomMaxLen: number;
  readonly idMemoryMs: number;
  readonly idMemorySize: number;
  readonly session: Omit<LiveSessionOptions, 'room' | 'resume' | 'beforeRequest'>;
}

/** The defaults of {@link FleetWorkerOptions}. */
export const DEFAULT_FLEET_WORKER_OPTIONS = Object.freeze({
  prefix: 'douyin-live:',
  maxRooms: Infinity,
  // 15 s: three renewals (every 5 s) may fail before a busy but alive worker loses a room.
  leaseMs: 15_000,
  rebalanceIntervalMs: 1_000,
  flushIntervalMs: 50,
  // The same polite pace `connectRooms` keeps in one process, now for the whole fleet.
  requestIntervalMs: 100,
  requestJitterMs: 150,
  requestBurst: 4,
  retryInitialDelayMs: 5_000,
  retryMaxDelayMs: 600_000,
  // About 0.6 KB per entry (the `watch --json` object): ~0.6 GB for the fleet stream, ~0.6 MB per room stream.
  maxLen: 1_000_000,
  roomMaxLen: 1_000,
  // A handover or a fresh join re-sends at most a few hundred recent messages, within seconds.
  idMemoryMs: 600_000,
  idMemorySize: 2_000,
}) satisfies Partial<Record<keyof ResolvedFleetWorkerOptions, unknown>>;

/** Merges worker options with the defaults — the one place that happens. */
export function resolveFleetWorkerOptions(options: FleetWorkerOptions): ResolvedFleetWorkerOptions {
  const d = DEFAULT_FLEET_WORKER_OPTIONS;
  assertRedisInput(options.redis);
  const resolved: ResolvedFleetWorkerOptions = {
    redis: options.redis,
    prefix: options.prefix ?? d.prefix,
    name: options.name ?? `${hostname()}-${process.pid}`,
    instance: randomBytes(4).toString('hex'),
    maxRooms: options.maxRooms ?? d.maxRooms,
    leaseMs: options.leaseMs ?? d.leaseMs,
    rebalanceIntervalMs: options.rebalanceIntervalMs ?? d.rebalanceIntervalMs,
    flushIntervalMs: options.flushIntervalMs ?? d.flushIntervalMs,
    requestIntervalMs: options.requestIntervalMs ?? d.requestIntervalMs,
    requestJitterMs: options.requestJitterMs ?? d.requestJitterMs,
    requestBurst: options.requestBurst ?? d.requestBurst,
    retryInitialDelayMs: options.retryInitialDelayMs ?? d.retryInitialDelayMs,
    retryMaxDelayMs: options.retryMaxDelayMs ?? d.retryMaxDelayMs,
    maxLen: options.maxLen ?? d.maxLen,
    roomMaxLen: options.roomMaxLen ?? d.roomMaxLen,
    idMemoryMs: options.idMemoryMs ?? d.idMemoryMs,
    idMemorySize: options.idMemorySize ?? d.idMemorySize,
    session: options.session ?? {},
  };
  if (!/^[\w.:@-]+$/.test(resolved.name)) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `worker name must be letters, digits and ._:@-`, {
      name: resolved.name,
    });
  }
  for (const key of ['leaseMs', 'rebalanceIntervalMs', 'flushIntervalMs', 'maxRooms', 'idMemorySize'] as const) {
    if (!(resolved[key] > 0)) {
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `${key} must be a positive number`, {
        [key]: resolved[key],
      });
    }
  }
  if (resolved.rebalanceIntervalMs * 2 > resolved.leaseMs) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'leaseMs must be at least twice rebalanceIntervalMs', {
      leaseMs: resolved.leaseMs,
      rebalanceIntervalMs: resolved.rebalanceIntervalMs,
    });
  }
  return resolved;
}

/** Where a fleet consumer starts reading. */
export type FleetStart = 'new' | 'beginning' | { readonly id: string };

/** Options of `connectFleet`. Only `redis` is required. */
export interface FleetConsumerOptions {
  /** The fleet's Redis: `redis://host:port[/db]` or an ioredis client (duplicated, never closed by the consumer). */
  readonly redis: RedisInput;
  /** Prefix of every key. @defaultValue `'douyin-live:'` */
  readonly prefix?: string | undefined;
  /**
   * A consumer group: each message goes to one consumer of the group, is acknowledged once the subscribers took
   * it, and a crashed consumer's unacknowledged messages go to another. @defaultValue none (a broadcast reader)
   */
  readonly group?: string | undefined;
  /** This consumer's name in its group. @defaultValue `<hostname>-<pid>` */
  readonly consumer?: string | undefined;
  /** Read only these rooms (their own streams) instead of `<prefix>messages`. @defaultValue every room */
  readonly rooms?: readonly string[] | undefined;
  /**
   * Where to start: `'new'` (messages appended from now on), `'beginning'`, or after a stream entry id. For a
   * group this applies only when the group is created. @defaultValue `'new'`
   */
  readonly from?: FleetStart | undefined;
  /** Entries read per call. @defaultValue 100 */
  readonly count?: number | undefined;
  /** How long one read blocks waiting for entries, ms. @defaultValue 1000 */
  readonly blockMs?: number | undefined;
  /** A group's entries pending this long on any consumer are claimed by this one, ms. @defaultValue 30000 */
  readonly claimIdleMs?: number | undefined;
  /** Pause after a failed read before trying again, ms. @defaultValue 500 */
  readonly retryDelayMs?: number | undefined;
}

/** Every consumer option resolved. */
export interface ResolvedFleetConsumerOptions {
  readonly redis: RedisInput;
  readonly prefix: string;
  readonly group: string | undefined;
  readonly consumer: string;
  readonly rooms: readonly string[] | undefined;
  readonly from: FleetStart;
  readonly count: number;
  readonly blockMs: number;
  readonly claimIdleMs: number;
  readonly retryDelayMs: number;
}

/** The defaults of {@link FleetConsumerOptions}. */
export const DEFAULT_FLEET_CONSUMER_OPTIONS = Object.freeze({
  prefix: DEFAULT_FLEET_WORKER_OPTIONS.prefix,
  from: 'new',
  count: 100,
  blockMs: 1_000,
  claimIdleMs: 30_000,
  retryDelayMs: 500,
}) satisfies Partial<Record<keyof ResolvedFleetConsumerOptions, unknown>>;

/** Merges consumer options with the defaults — the one place that happens. */
export function resolveFleetConsumerOptions(options: FleetConsumerOptions): ResolvedFleetConsumerOptions {
  const d = DEFAULT_FLEET_CONSUMER_OPTIONS;
  assertRedisInput(options.redis);
  const resolved: ResolvedFleetConsumerOptions = {
    redis: options.redis,
    prefix: options.prefix ?? d.prefix,
    group: options.group,
    consumer: options.consumer ?? `${hostname()}-${process.pid}`,
    rooms: options.rooms,
    from: options.from ?? d.from,
    count: options.count ?? d.count,
    blockMs: options.blockMs ?? d.blockMs,
    claimIdleMs: options.claimIdleMs ?? d.claimIdleMs,
    retryDelayMs: options.retryDelayMs ?? d.retryDelayMs,
  };
  if (resolved.rooms !== undefined && resolved.rooms.length === 0) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'rooms: name at least one room, or leave it out');
  }
  for (const key of ['count', 'blockMs', 'claimIdleMs'] as const) {
    if (!(resolved[key] > 0) || !Number.isInteger(resolved[key])) {
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `${key} must be a positive integer`, {
        [key]: resolved[key],
      });
    }
  }
  return resolved;
}

/** Options of `openFleetControl`. Only `redis` is required. */
export interface FleetControlOptions {
  /** The fleet's Redis: `redis://host:port[/db]` or an ioredis client (duplicated, never closed by the control). */
  readonly redis: RedisInput;
  /** Prefix of every key. @defaultValue `'douyin-live:'` */
  readonly prefix?: string | undefined;
}

/** Every control option resolved. */
export interface ResolvedFleetControlOptions {
  readonly redis: RedisInput;
  readonly prefix: string;
}

/** The defaults of {@link FleetControlOptions}. */
export const DEFAULT_FLEET_CONTROL_OPTIONS = Object.freeze({
  prefix: DEFAULT_FLEET_WORKER_OPTIONS.prefix,
}) satisfies Partial<Record<keyof ResolvedFleetControlOptions, unknown>>;

/** Merges control options with the defaults — the one place that happens. */
export function resolveFleetControlOptions(options: FleetControlOptions): ResolvedFleetControlOptions {
  assertRedisInput(options.redis);
  return { redis: options.redis, prefix: options.prefix ?? DEFAULT_FLEET_CONTROL_OPTIONS.prefix };
}
