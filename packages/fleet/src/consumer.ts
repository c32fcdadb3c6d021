/**
 * `connectFleet`: the fleet's messages as the streams of a room pool, read from Redis Streams — with a consumer
 * group (each message to one consumer, acknowledged once the subscribers took it, a crashed consumer's pending
 * messages claimed by another) or as a broadcast reader.
 */
import { filter, Observable, share, Subject, takeUntil } from 'rxjs';
import {
  DouyinLiveError,
  ErrorCodes,
  STREAM_METHODS,
  type ChatMessage,
  type ControlMessage,
  type GiftMessage,
  type LikeMessage,
  type LiveMessage,
  type MemberMessage,
  type RoomStatsMessage,
  type RoomUserSeqMessage,
  type SocialMessage,
} from '@douyin-live/core';
import { fleetKeys } from './keys.js';
import {
  resolveFleetConsumerOptions,
  type FleetConsumerOptions,
  type ResolvedFleetConsumerOptions,
} from './options.js';
import { openRedis, redisError, type FleetRedis } from './redis.js';
import { fleetRoomName } from './rooms.js';
import type { FleetMessage } from './types.js';

/** Counters of a fleet consumer. */
export interface FleetConnectionStats {
  /** Messages handed to subscribers. */
  received: number;
  /** Messages acknowledged to the group. */
  acknowledged: number;
  /** Messages claimed from other (crashed) consumers of the group. */
  claimed: number;
  /** Entries that were not a fleet message (acknowledged and reported on `errors$`). */
  malformed: number;
}

/** The fleet as Observables, shaped like a room pool. Reading starts with the first subscriber. */
export interface FleetConnection {
  /** Every message, tagged with its room, in stream order. */
  readonly messages$: Observable<FleetMessage>;
  readonly chat$: Observable<FleetMessage<ChatMessage>>;
  readonly gift$: Observable<FleetMessage<GiftMessage>>;
  readonly like$: Observable<FleetMessage<LikeMessage>>;
  readonly member$: Observable<FleetMessage<MemberMessage>>;
  readonly social$: Observable<FleetMessage<SocialMessage>>;
  readonly viewers$: Observable<FleetMessage<RoomUserSeqMessage | RoomStatsMessage>>;
  readonly control$: Observable<FleetMessage<ControlMessage>>;
  /** Non-fatal problems: Redis failures (reading goes on after a pause), malformed entries. */
  readonly errors$: Observable<DouyinLiveError>;
  /** Live counters. */
  readonly stats: Readonly<FleetConnectionStats>;
  /** Stops reading and completes every stream. */
  close(): Promise<void>;
}

/** Reads a fleet's messages; see {@link FleetConsumerOptions}. */
export function connectFleet(options: FleetConsumerOptions): FleetConnection {
  const o = resolveFleetConsumerOptions(options);
  const keys = fleetKeys(o.prefix);
  const streams = o.rooms ? o.rooms.map((r) => keys.room(fleetRoomName(r)).messages) : [keys.messages];
  const errors = new Subject<DouyinLiveError>();
  const closed = new Subject<void>();
  const readers = new Set<Promise<void>>();
  const stats: FleetConnectionStats = { received: 0, acknowledged: 0, claimed: 0, malformed: 0 };

  const messages$ = new Observable<FleetMessage>((subscriber) => {
    const reader = new StreamReader(o, streams, subscriber, errors, stats);
    const running = reader.run();
    readers.add(running);
    void running.finally(() => readers.delete(running));
    return () => reader.stop();
  }).pipe(takeUntil(closed), share());

  const of = <M extends LiveMessage>(methods: readonly string[]) =>
    messages$.pipe(filter((m): m is FleetMessage<M> => methods.includes(m.message.method)));

  return {
    messages$,
    chat$: of<ChatMessage>(STREAM_METHODS.chat$),
    gift$: of<GiftMessage>(STREAM_METHODS.gift$),
    like$: of<LikeMessage>(STREAM_METHODS.like$),
    member$: of<MemberMessage>(STREAM_METHODS.member$),
    social$: of<SocialMessage>(STREAM_METHODS.social$),
    viewers$: of<RoomUserSeqMessage | RoomStatsMessage>(STREAM_METHODS.viewers$),
    control$: of<ControlMessage>(STREAM_METHODS.control$),
    errors$: errors.asObservable(),
    stats,
    async close() {
      closed.next();
      closed.complete();
      await Promise.all(readers);
      errors.complete();
    },
  };
}

/** A stream entry as ioredis returns it: id and flat field list (null once trimmed away). */
type Entry = [id: string, fields: string[] | null];

/** The read loop of one subscription. */
class StreamReader {
  private readonly redis: FleetRedis;
  private running = true;
  private lastClaimAt = -Infinity;
  /** Broadcast read positions, per stream. */
  private readonly positions = new Map<string, string>();

  constructor(
    private readonly o: ResolvedFleetConsumerOptions,
    private readonly streams: readonly string[],
    private readonly subscriber: { next(m: FleetMessage): void; closed: boolean },
    private readonly errors: Subject<DouyinLiveError>,
    private readonly stats: FleetConnectionStats,
  ) {
    this.redis = openRedis(o.redis, `douyin-live-fleet-consumer:${o.consumer}`);
    this.redis.on('error', () => undefined);
  }

  stop(): void {
    this.running = false;
    // A blocked read would hold the loop for up to blockMs: cut the connection instead.
    this.redis.disconnect();
  }

  async run(): Promise<void> {
    let prepared = false;
    while (this.running && !this.subscriber.closed) {
      try {
        if (!prepared) {
          await (this.o.group === undefined ? this.startPositions() : this.createGroups());
          prepared = true;
        }
        if (this.o.group === undefined) await this.readBroadcast();
        else await this.readGroup(this.o.group);
      } catch (error) {
        if (!this.running) break;
        // A restarted Redis without its data lost the group: create it again.
        if (/NOGROUP/.test((error as Error)?.message ?? '')) prepared = false;
        this.errors.next(redisError('fleet read', error));
        await new Promise((resolve) => setTimeout(resolve, this.o.retryDelayMs));
      }
    }
    this.redis.disconnect();
  }

  private async startPositions(): Promise<void> {
    for (const stream of this.streams) {
      if (this.positions.has(stream)) continue;
      const from = this.o.from;
      if (from === 'beginning') this.positions.set(stream, '0-0');
      else if (from !== 'new') this.positions.set(stream, from.id);
      else {
        // '$' on every call would miss what arrives between two calls: pin the newest id once.
        const last = (await this.redis.xrevrange(stream, '+', '-', 'COUNT', 1)) as Entry[];
        this.positions.set(stream, last[0]?.[0] ?? '0-0');
      }
    }
  }

  private async createGroups(): Promise<void> {
    const from = this.o.from;
    const start = from === 'beginning' ? '0' : from === 'new' ? '$' : from.id;
    for (const stream of this.streams) {
      try {
        await this.redis.xgroup('CREATE', stream, this.o.group!, start, 'MKSTREAM');
      } catch (error) {
        if (!/BUSYGROUP/.test((error as Error)?.message ?? '')) throw error;
      }
    }
  }

  private async readBroadcast(): Promise<void> {
    const ids = this.streams.map((s) => this.positions.get(s)!);
    const reply = (await this.redis.xread(
      'COUNT',
      this.o.count,
      'BLOCK',
      this.o.blockMs,
      'STREAMS',
      ...this.streams,
      ...ids,
    )) as [string, Entry[]][] | null;
    for (const [stream, entries] of reply ?? []) {
      for (const entry of entries) {
        this.positions.set(stream, entry[0]);
        if (!this.running) return;
        this.deliver(entry);
      }
    }
  }

  private async readGroup(group: string): Promise<void> {
    const now = Date.now();
    if (now - this.lastClaimAt >= this.o.claimIdleMs / 2) {
      this.lastClaimAt = now;
      for (const stream of this.streams) await this.claim(stream, group);
    }
    const reply = (await this.redis.xreadgroup(
      'GROUP',
      group,
      this.o.consumer,
      'COUNT',
      this.o.count,
      'BLOCK',
      this.o.blockMs,
      'STREAMS',
      ...this.streams,
      ...this.streams.map(() => '>'),
    )) as [string, Entry[]][] | null;
    for (const [stream, entries] of reply ?? []) await this.deliverAndAck(stream, group, entries);
  }

  /** Takes over entries pending on any consumer of the group for longer than `claimIdleMs`. */
  private async claim(stream: string, group: string): Promise<void> {
    let cursor = '0-0';
    do {
      const [next, entries] = (await this.redis.xautoclaim(
        stream,
        group,
        this.o.consumer,
        this.o.claimIdleMs,
        cursor,
        'COUNT',
        this.o.count,
      )) as [string, Entry[], string[]?];
      this.stats.claimed += entries.length;
      await this.deliverAndAck(stream, group, entries);
      cursor = next;
    } while (cursor !== '0-0' && this.running);
  }

  /** Hands a batch to the subscribers, then acknowledges what they took (once, for the whole batch). */
  private async deliverAndAck(stream: string, group: string, entries: readonly Entry[]): Promise<void> {
    const taken: string[] = [];
    for (const entry of entries) {
      if (!this.running || this.subscriber.closed) break;
      this.deliver(entry);
      taken.push(entry[0]);
    }
    if (taken.length === 0) return;
    await this.redis.xack(stream, group, ...taken);
    this.stats.acknowledged += taken.length;
  }

  private deliver([id, fields]: Entry): void {
    if (fields === null) return;
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
    let message: LiveMessage & { raw?: undefined };
    try {
      message = JSON.parse(f.get('json') ?? '') as LiveMessage & { raw?: undefined };
      if (typeof message !== 'object' || message === null || typeof message.method !== 'string') throw new Error();
    } catch {
      this.stats.malformed++;
      this.errors.next(
        new DouyinLiveError(ErrorCodes.MESSAGE_DECODE_FAILED, `stream entry ${id} is not a fleet message`, {
          entryId: id,
          msgId: f.get('msgId'),
        }),
      );
      return;
    }
    if ('unknown' in message && typeof (message as { payload: unknown }).payload === 'string') {
      message = { ...message, payload: Uint8Array.from(Buffer.from(message.payload as unknown as string, 'base64')) };
    }
    this.stats.received++;
    this.subscriber.next({
      room: f.get('room') ?? '',
      roomId: f.get('roomId') ?? '',
      message: message as FleetMessage['message'],
      id,
    });
  }
}
