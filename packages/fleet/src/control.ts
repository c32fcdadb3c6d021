/** Fleet control: rooms in and out of the fleet, and the status of every room and worker. */
import { fleetKeys } from './keys.js';
import { resolveFleetControlOptions, type FleetControlOptions } from './options.js';
import { openRedis } from './redis.js';
import { fleetRoomName } from './rooms.js';
import { execOrThrow } from './worker.js';

/** The rate window of `messagesPerMinute`, ms. */
const MS_PER_MINUTE = 60_000;

/** One room of {@link FleetStatus}. */
export interface FleetRoomStatus {
  /** The room's name in the fleet (its web_rid). */
  readonly room: string;
  /** The 19-digit room id, once a worker resolved it. */
  readonly roomId: string | undefined;
  /** The worker holding the lease, or undefined when nobody does. */
  readonly owner: string | undefined;
  /** Time left on the lease, ms. */
  readonly leaseTtlMs: number | undefined;
  /**
   * `waiting` (nobody holds it yet), a session state (`resolving`, `connecting`, `live`, `reconnecting`,
   * `stalled`), `joining`, `released` (between owners), `backoff` (failed, retried at `nextAttemptInMs`) or
   * `ended`.
   */
  readonly state: string;
  /** Age of the newest appended message, ms; undefined before the first. */
  readonly lastMessageAgeMs: number | undefined;
  /** Appended messages per minute (sliding over the last minute). */
  readonly messagesPerMinute: number;
  /** Messages appended in all. */
  readonly messages: number;
  /** Continuity gaps reported (reconnects without a cursor, owners without a stored cursor). */
  readonly gaps: number;
  /** Failures in a row. */
  readonly failures: number;
  /** When a failing room is tried again, ms from now. */
  readonly nextAttemptInMs: number | undefined;
  /** The last failure, `CODE: message`. */
  readonly error: string | undefined;
}

/** One worker of {@link FleetStatus}. */
export interface FleetWorkerStatus {
  readonly name: string;
  readonly host: string | undefined;
  readonly pid: number | undefined;
  /** Age of its last heartbeat, ms. */
  readonly heartbeatAgeMs: number;
  /** Rooms whose lease it holds now. */
  readonly rooms: number;
}

/** The whole fleet at one moment (Redis time). */
export interface FleetStatus {
  /** Redis time of the snapshot, ms since the epoch. */
  readonly at: number;
  readonly rooms: readonly FleetRoomStatus[];
  /** Workers that sent a heartbeat recently (forgotten after twenty lease times of silence). */
  readonly workers: readonly FleetWorkerStatus[];
  readonly totals: {
    readonly rooms: number;
    readonly owned: number;
    readonly live: number;
    readonly ended: number;
    readonly backoff: number;
    /** Entries in `<prefix>messages` now (after `MAXLEN ~` trimming). */
    readonly streamLength: number;
  };
}

/** Adds, removes and reports on the rooms of a fleet. */
export interface FleetControl {
  /** Puts rooms (URLs or web_rids) in the fleet, or back in after their live ended; resolves with their names. */
  add(rooms: readonly string[]): Promise<string[]>;
  /** Takes rooms out: their workers let them go; their streams stay. Resolves with the names that were in. */
  remove(rooms: readonly string[]): Promise<string[]>;
  /** Every room and worker now. */
  status(): Promise<FleetStatus>;
  /** Closes the connection. */
  close(): Promise<void>;
}

/** Opens a control connection to a fleet; see {@link FleetControlOptions}. */
export function openFleetControl(options: FleetControlOptions): FleetControl {
  const o = resolveFleetControlOptions(options);
  const keys = fleetKeys(o.prefix);
  const redis = openRedis(o.redis, 'douyin-live-fleet-control', false);
  redis.on('error', () => undefined);
  return {
    async add(rooms) {
      const names = [...new Set(rooms.map(fleetRoomName))];
      if (names.length === 0) return [];
      const now = await redis.serverTime();
      const tx = redis.multi();
      for (const room of names) {
        tx.hset(keys.rooms, room, JSON.stringify({ addedAt: now }));
        tx.srem(keys.ended, room);
        tx.hdel(keys.room(room).state, 'endedAt', 'nextAttemptAt', 'failures', 'error');
      }
      await execOrThrow(tx);
      return names;
    },
    async remove(rooms) {
      const names = [...new Set(rooms.map(fleetRoomName))];
      if (names.length === 0) return [];
      const tx = redis.multi();
      for (const room of names) {
        const k = keys.room(room);
        tx.hdel(keys.rooms, room);
        tx.srem(keys.ended, room);
        tx.del(k.state, k.resume, k.seen);
      }
      const replies = await execOrThrow(tx);
      return names.filter((_, i) => Number(replies[i * 3]) === 1);
    },
    async status() {
      const head = redis.pipeline();
      head.hkeys(keys.rooms);
      head.smembers(keys.ended);
      head.zrange(keys.workers, 0, -1, 'WITHSCORES');
      head.xlen(keys.messages);
      const [roomList, endedList, workerScores, streamLength] = (await execOrThrow(head)) as [
        string[],
        string[],
        string[],
        number,
      ];
      const now = await redis.serverTime();
      const rooms = [...roomList].sort();
      const ended = new Set(endedList);
      const workerNames = workerScores.filter((_, i) => i % 2 === 0);
      const detail = redis.pipeline();
      for (const room of rooms) {
        const k = keys.room(room);
        detail.get(k.owner);
        detail.pttl(k.owner);
        detail.hgetall(k.state);
      }
      for (const name of workerNames) detail.hgetall(keys.worker(name));
      const replies = await execOrThrow(detail);
      const roomStatus = rooms.map((room, i): FleetRoomStatus => {
        const holder = replies[i * 3] as string | null;
        const ttl = Number(replies[i * 3 + 1]);
        const s = replies[i * 3 + 2] as Record<string, string>;
        const owner = holder ? holder.slice(0, holder.lastIndexOf('#')) : undefined;
        const lastAt = num(s['lastMessageAt']);
        const nextAt = num(s['nextAttemptAt']);
        // The ended set decides: a room added again after its live ended still has the old state until joined.
        const state = ended.has(room) ? 'ended' : s['state'] === 'ended' ? 'waiting' : (s['state'] ?? 'waiting');
        return {
          room,
          roomId: s['roomId'] || undefined,
          owner,
          leaseTtlMs: owner && ttl >= 0 ? ttl : undefined,
          state: owner || state === 'ended' || state === 'backoff' ? state : 'waiting',
          lastMessageAgeMs: lastAt === undefined ? undefined : Math.max(0, now - lastAt),
          messagesPerMinute: perMinute(s, now),
          messages: num(s['messages']) ?? 0,
          gaps: num(s['gaps']) ?? 0,
          failures: num(s['failures']) ?? 0,
          nextAttemptInMs: state === 'backoff' && nextAt !== undefined ? Math.max(0, nextAt - now) : undefined,
          error: state === 'backoff' ? s['error'] || undefined : undefined,
        };
      });
      const held = new Map<string, number>();
      for (const r of roomStatus) if (r.owner) held.set(r.owner, (held.get(r.owner) ?? 0) + 1);
      const workers = workerNames.map((name, i): FleetWorkerStatus => {
        const w = replies[rooms.length * 3 + i] as Record<string, string>;
        return {
          name,
          host: w['host'],
          pid: num(w['pid']),
          heartbeatAgeMs: Math.max(0, now - Number(workerScores[i * 2 + 1])),
          rooms: held.get(name) ?? 0,
        };
      });
      return {
        at: now,
        rooms: roomStatus,
        workers,
        totals: {
          rooms: rooms.length,
          owned: roomStatus.filter((r) => r.owner).length,
          live: roomStatus.filter((r) => r.state === 'live').length,
          ended: roomStatus.filter((r) => r.state === 'ended').length,
          backoff: roomStatus.filter((r) => r.state === 'backoff').length,
          streamLength,
        },
      };
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function num(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** A sliding one-minute rate from the append script's two minute buckets. */
function perMinute(s: Record<string, string>, now: number): number {
  const minute = Math.floor(now / MS_PER_MINUTE);
  const bucket = num(s['rateMinute']);
  const count = num(s['rateCount']) ?? 0;
  const previous = num(s['ratePrevious']) ?? 0;
  const elapsed = (now % MS_PER_MINUTE) / MS_PER_MINUTE;
  let rate = 0;
  if (bucket === minute) rate = count + previous * (1 - elapsed);
  else if (bucket === minute - 1) rate = count * (1 - elapsed);
  return Math.round(rate * 10) / 10;
}
