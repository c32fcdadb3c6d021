/**
 * The fleet's Redis connection: ioredis (automatic reconnects with backoff, commands queued while offline and
 * resent after a reconnect, scripts by EVALSHA with an EVAL fallback after a restart emptied the script cache).
 */
import { Redis, type ChainableCommander } from 'ioredis';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import { APPEND_MESSAGES, RELEASE_LEASE, RENEW_LEASE, RESERVE_PACE, SERVER_TIME, UPDATE_STATE } from './scripts.js';

/** A Redis URL (`redis://host:port[/db]`) or an ioredis client the caller owns. */
export type RedisInput = string | Redis;

/** Longest wait between two reconnect attempts, ms. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/** Connection attempts of an impatient connection (fleet control) before its commands fail. */
const IMPATIENT_ATTEMPTS = 3;

/** An ioredis client with the fleet's scripts defined. */
export interface FleetRedis extends Redis {
  renewLease(lease: string, holder: string, leaseMs: number): Promise<number>;
  releaseLease(lease: string, holder: string): Promise<number>;
  appendMessages(...args: (string | number)[]): Promise<[number, number, number]>;
  reservePace(pace: string, intervalMs: number, burst: number, jitterMs: number): Promise<number>;
  serverTime(): Promise<number>;
}

/** A pipeline of a {@link FleetRedis}, with the fleet's scripts. */
export interface FleetPipeline extends ChainableCommander {
  renewLease(lease: string, holder: string, leaseMs: number): FleetPipeline;
  releaseLease(lease: string, holder: string): FleetPipeline;
  appendMessages(...args: (string | number)[]): FleetPipeline;
  updateState(
    lease: string,
    state: string,
    holder: string,
    gaps: number,
    ...fields: (string | number)[]
  ): FleetPipeline;
}

/** A pipeline with the fleet's scripts. */
export function fleetPipeline(redis: FleetRedis): FleetPipeline {
  return redis.pipeline() as FleetPipeline;
}

/** Adds the fleet's scripts to a client (idempotent). */
function defineScripts(redis: Redis): FleetRedis {
  const r = redis as FleetRedis;
  if (typeof r.renewLease === 'function') return r;
  redis.defineCommand('renewLease', { numberOfKeys: 1, lua: RENEW_LEASE });
  redis.defineCommand('releaseLease', { numberOfKeys: 1, lua: RELEASE_LEASE });
  redis.defineCommand('appendMessages', { numberOfKeys: 6, lua: APPEND_MESSAGES });
  redis.defineCommand('updateState', { numberOfKeys: 2, lua: UPDATE_STATE });
  redis.defineCommand('reservePace', { numberOfKeys: 1, lua: RESERVE_PACE });
  redis.defineCommand('serverTime', { numberOfKeys: 0, lua: SERVER_TIME });
  return r;
}

/**
 * Opens a connection for the fleet: from a URL, or a duplicate of the caller's client, so blocking reads and the
 * fleet's scripts never disturb it. A patient connection waits through outages; an impatient one fails.
 */
export function openRedis(input: RedisInput, name: string, patient = true): FleetRedis {
  if (typeof input !== 'string') return defineScripts(input.duplicate({ connectionName: name }));
  assertRedisInput(input);
  return defineScripts(
    new Redis(input, {
      connectionName: name,
      // Workers and consumers wait through an outage instead of failing commands: every write of the fleet is
      // idempotent. Control commands (a person at a terminal) fail after a few attempts instead.
      maxRetriesPerRequest: patient ? null : 1,
      retryStrategy: (times) =>
        patient || times < IMPATIENT_ATTEMPTS ? Math.min(times * 100, MAX_RECONNECT_DELAY_MS) : null,
      lazyConnect: false,
    }),
  );
}

/** Throws INVALID_ARGUMENT for a string that is not a `redis://` or `rediss://` URL. */
export function assertRedisInput(input: RedisInput): void {
  if (typeof input === 'string' && !/^rediss?:\/\/[^/]/i.test(input)) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `not a Redis URL: ${input} (redis://host:port[/db])`, {
      url: input,
    });
  }
}

/** Wraps a Redis failure in a coded error. */
export function redisError(what: string, error: unknown): DouyinLiveError {
  if (error instanceof DouyinLiveError) return error;
  return new DouyinLiveError(
    ErrorCodes.REDIS_FAILED,
    `${what}: ${(error as Error)?.message ?? String(error)}`,
    {},
    { cause: error },
  );
}
