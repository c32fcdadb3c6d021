/**
 * A room's timeline: the messages of the live, numbered with one room sequence, produced by the room's source on
 * timers whether or not anybody is connected. Connections subscribe to it and read backlogs from it when they
 * resume with a cursor.
 */
import { CONTROL_ACTION_LIVE_END, decodeWire } from '@douyin-live/core';
import type { BuiltMessage, MessageFactory } from '@douyin-live/testing';
import { isFrameBatch, type SimulatorSource } from './source.js';

/** One entry of a timeline: a message, or a pre-built frame from the source. */
export interface TimelineEntry {
  /** Room sequence number, from 1. */
  readonly seq: number;
  /** Number of the batch the entry came in (entries of one batch are pushed in one frame). */
  readonly batch: number;
  /** Wall-clock time it entered the room, in ms. */
  readonly atMs: number;
  /** The message, unless this is a pre-built frame. */
  readonly message: BuiltMessage | undefined;
  /** A pre-built PushFrame pushed as it is. */
  readonly frame: Uint8Array | undefined;
}

/** Called with the entries of each new batch. */
export type TimelineListener = (entries: readonly TimelineEntry[]) => void;

/** Options of {@link RoomTimeline}. */
export interface RoomTimelineOptions {
  /** Playback speed (source ms are divided by it). */
  readonly speed: number;
  /** How many entries are kept for backlogs. */
  readonly retain: number;
  /** Clock, in ms. */
  readonly now: () => number;
}

/** The live of one room. */
export class RoomTimeline {
  private readonly entries: TimelineEntry[] = [];
  private readonly listeners = new Set<TimelineListener>();
  private readonly endListeners = new Set<() => void>();
  private seq = 0;
  private batch = 0;
  private startedAt = 0;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private liveEnded = false;
  private lastWasEnd = false;

  constructor(
    private readonly source: SimulatorSource,
    private readonly factory: MessageFactory,
    private readonly options: RoomTimelineOptions,
  ) {}

  /** Puts the source's history into the room and starts the live; later calls do nothing. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.startedAt = this.options.now();
    const history = this.source.history?.() ?? [];
    if (history.length > 0) this.append(history.map((message) => ({ message, frame: undefined })));
    this.pull();
  }

  /** Stops the timers (the live does not "end": no ControlMessage). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
    this.endListeners.clear();
  }

  /** Ends the live now: pushes ControlMessage action 3 (unless the source already did) and stops the source. */
  end(): void {
    if (this.liveEnded) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.lastWasEnd) this.append([{ message: this.factory.control(CONTROL_ACTION_LIVE_END), frame: undefined }]);
    this.liveEnded = true;
    for (const listener of [...this.endListeners]) listener();
  }

  /** True once the live has ended (web/enter then reports status 4). */
  get ended(): boolean {
    return this.liveEnded;
  }

  /** Sequence number of the newest entry (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Every retained entry, oldest first. */
  all(): readonly TimelineEntry[] {
    return this.entries;
  }

  /** Retained entries after `seq`, oldest first. */
  after(seq: number): TimelineEntry[] {
    return this.entries.filter((e) => e.seq > seq);
  }

  /** The last `count` retained entries up to and including `seq`. */
  upTo(seq: number, count: number): TimelineEntry[] {
    if (count <= 0) return [];
    return this.entries.filter((e) => e.seq <= seq).slice(-count);
  }

  /** Subscribes to new batches; returns the unsubscribe function. */
  subscribe(listener: TimelineListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `listener` once when the live ends; returns the unsubscribe function. */
  onEnd(listener: () => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  private pull(): void {
    if (this.stopped || this.liveEnded) return;
    const next = this.source.next();
    if (next === undefined) {
      this.end();
      return;
    }
    const due = this.startedAt + next.atMs / this.options.speed;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        if (isFrameBatch(next)) this.append([{ message: undefined, frame: next.frame }]);
        else if (next.messages.length > 0) this.append(next.messages.map((message) => ({ message, frame: undefined })));
        this.pull();
      },
      Math.max(0, due - this.options.now()),
    );
  }

  private append(items: ReadonlyArray<{ message: BuiltMessage | undefined; frame: Uint8Array | undefined }>): void {
    this.batch += 1;
    const atMs = this.options.now();
    const added = items.map(({ message, frame }) => ({ seq: ++this.seq, batch: this.batch, atMs, message, frame }));
    this.entries.push(...added);
    if (this.entries.length > this.options.retain) this.entries.splice(0, this.entries.length - this.options.retain);
    const last = added[added.length - 1]?.message;
    this.lastWasEnd = last !== undefined && isLiveEnd(last);
    for (const listener of [...this.listeners]) listener(added);
  }
}

/** True for a ControlMessage with action 3 (a source's own end-of-live message). */
function isLiveEnd(message: BuiltMessage): boolean {
  if (message.method !== 'WebcastControlMessage') return false;
  try {
    return decodeWire('ControlMessage', message.payload).action === String(CONTROL_ACTION_LIVE_END);
  } catch {
    return false;
  }
}
