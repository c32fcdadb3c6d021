/**
 * The fleet's Redis keys. Everything one room's scripts touch carries the room in a hash tag
 * (`<prefix>{<room>}:…`), so on Redis Cluster a room's lease, state, resume point, recent ids and stream live in
 * one slot; the fleet-wide keys (room list, workers, the shared stream, the join pace) are plain keys.
 */

/** The fleet-wide keys under a prefix. */
export interface FleetKeys {
  /** Hash: room → JSON of when and how it was added. */
  readonly rooms: string;
  /** Set of rooms whose live ended (not retried until added again). */
  readonly ended: string;
  /** Sorted set: worker name → last heartbeat (Redis time, ms). */
  readonly workers: string;
  /** Every message of every room, once: the stream consumers read. */
  readonly messages: string;
  /** The shared join pace (GCRA timestamp, ms). */
  readonly pace: string;
  /** Hash of one worker's facts (pid, host, rooms held). */
  worker(name: string): string;
  /** The keys of one room. */
  room(room: string): RoomKeys;
}

/** The keys of one room, all in one hash slot. */
export interface RoomKeys {
  /** String with expiry: the lease, valued `<worker>#<instance>`. */
  readonly owner: string;
  /** Hash: state, owner, roomId, counters, last message time, failures, next attempt. */
  readonly state: string;
  /** Hash: cursor and internal_ext of the newest appended batch. */
  readonly resume: string;
  /** Sorted set: recently appended msgIds → Redis time (ms): the idempotent append's memory. */
  readonly seen: string;
  /** The room's own capped stream. */
  readonly messages: string;
}

/** The keys of a fleet under `prefix` (e.g. `douyin-live:`). */
export function fleetKeys(prefix: string): FleetKeys {
  return {
    rooms: `${prefix}rooms`,
    ended: `${prefix}ended`,
    workers: `${prefix}workers`,
    messages: `${prefix}messages`,
    pace: `${prefix}pace`,
    worker: (name) => `${prefix}worker:${name}`,
    room: (room) => {
      const base = `${prefix}{${room}}:`;
      return {
        owner: `${base}owner`,
        state: `${base}state`,
        resume: `${base}resume`,
        seen: `${base}seen`,
        messages: `${base}messages`,
      };
    },
  };
}
