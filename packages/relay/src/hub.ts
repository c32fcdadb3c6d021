/**
 * The fan-out: each event is serialised once, numbered, kept in a bounded ring for SSE resume, and handed to
 * every client whose filter wants it. Sending never waits: a client that cannot keep up is closed by its own
 * `send` (see clients.ts), so the session that emitted the event is never slowed.
 */
import { toJsonLine } from '@douyin-live/core';
import type { RelayEvent } from './events.js';
import type { EventFilter } from './query.js';

/** One published event, serialised once for every client. */
export interface HubEntry {
  /** Event id, from 1 (SSE `id:`); 0 for snapshots sent to one client only. */
  readonly id: number;
  readonly kind: RelayEvent['kind'];
  /** The room, for every kind but `resume-gap`. */
  readonly room: string | undefined;
  /** The message method, for `message` events. */
  readonly method: string | undefined;
  /** The JSON text. */
  readonly json: string;
  /** The JSON text as UTF-8, encoded once for every WebSocket client (`ws` would encode a string per send). */
  readonly bytes: Buffer;
}

/** A connected client as the hub sees it. */
export interface HubClient {
  readonly filter: EventFilter;
  /** Queues one event; the client closes itself when it cannot keep up. */
  send(entry: HubEntry): void;
}

/** Whether a client with this filter gets this event. */
export function wants(filter: EventFilter, entry: HubEntry): boolean {
  if (entry.room !== undefined && filter.rooms !== undefined && !filter.rooms.has(entry.room)) return false;
  switch (entry.kind) {
    case 'message':
      return filter.messages && (filter.keepMethod === undefined || filter.keepMethod(entry.method ?? ''));
    case 'combo':
    case 'leaderboard':
    case 'audience':
      return filter.derived.has(entry.kind);
    default:
      return true;
  }
}

/** Serialises an event into an entry with the given id. */
export function entryOf(event: RelayEvent, id: number): HubEntry {
  const json = toJsonLine(event);
  return {
    id,
    kind: event.kind,
    room: 'room' in event ? event.room : undefined,
    method: event.kind === 'message' ? event.method : undefined,
    json,
    bytes: Buffer.from(json),
  };
}

/** The event log and the set of clients. */
export class EventHub {
  readonly clients = new Set<HubClient>();
  private readonly ring: (HubEntry | undefined)[];
  private lastId = 0;
  /** Events published. */
  published = 0;
  /** Events handed to clients (one per client per event). */
  delivered = 0;

  constructor(private readonly capacity: number) {
    this.ring = new Array<HubEntry | undefined>(capacity);
  }

  /** Numbers, stores and delivers an event. */
  publish(event: RelayEvent): void {
    const entry = entryOf(event, ++this.lastId);
    this.published += 1;
    if (this.capacity > 0) this.ring[entry.id % this.capacity] = entry;
    for (const client of this.clients) {
      if (!wants(client.filter, entry)) continue;
      this.delivered += 1;
      client.send(entry);
    }
  }

  /** The id of the latest event (0 before the first). */
  get latestId(): number {
    return this.lastId;
  }

  /** The oldest id still in the ring (latestId + 1 when the ring is empty). */
  get oldestId(): number {
    return Math.max(1, this.lastId - this.capacity + 1);
  }

  /**
   * The buffered events after `lastEventId` that the filter wants, and whether some of them are gone (fell out
   * of the ring): then `gap` holds the oldest id still there.
   */
  since(lastEventId: number, filter: EventFilter): { entries: HubEntry[]; gap: number | undefined } {
    // An id from the future was handed out by an earlier relay on this port: everything here is new to the client.
    const stale = lastEventId > this.lastId;
    const after = stale ? 0 : lastEventId;
    const from = Math.max(after + 1, this.oldestId);
    const entries: HubEntry[] = [];
    if (this.capacity > 0) {
      for (let id = from; id <= this.lastId; id++) {
        const entry = this.ring[id % this.capacity];
        if (entry !== undefined && entry.id === id && wants(filter, entry)) entries.push(entry);
      }
    }
    const gap = stale || (after + 1 < from && after < this.lastId) ? from : undefined;
    return { entries, gap };
  }
}
