/**
 * Where a simulated room's content comes from: a {@link SimulatorSource} yields timestamped batches of messages
 * (or pre-built frames). The seeded scenario is one implementation; recordings plug in through the same seam.
 */
import type { BuiltMessage, MessageFactory } from '@douyin-live/testing';

/** Messages the room pushes together in one frame, at `atMs` after the live started. */
export interface MessageBatch {
  /** Offset from the start of the live, in ms of source time (divided by the playback speed). */
  readonly atMs: number;
  /**
   * The messages, in order. A payload can be any bytes, e.g. a real captured payload (`scripts/bench-rooms.mjs`
   * pushes those): it goes out as given, except that a guest's copy is decoded and re-encoded masked when the
   * simulator masks guests (`maskGuests: false` keeps it byte for byte).
   */
  readonly messages: readonly BuiltMessage[];
}

/** A pre-built PushFrame pushed as it is (no masking, no cursor rewrite), at `atMs` after the live started. */
export interface FrameBatch {
  /** Offset from the start of the live, in ms of source time. */
  readonly atMs: number;
  /** The encoded PushFrame. */
  readonly frame: Uint8Array;
}

/** One step of a source. */
export type SourceBatch = MessageBatch | FrameBatch;

/** A room's content, pulled by the room timeline one batch at a time; `atMs` must not decrease. */
export interface SimulatorSource {
  /** Messages that were "already in the room" before the simulator started (the first history batch). */
  history?(): readonly BuiltMessage[];
  /** The next batch, or `undefined` when the source is exhausted (the live then ends with ControlMessage 3). */
  next(): SourceBatch | undefined;
}

/** What a source factory gets: the room and the message factory that stamps the room's ids. */
export interface SourceContext {
  /** The room's web_rid. */
  readonly webRid: string;
  /** The room's id. */
  readonly roomId: string;
  /** Builds messages with this room's id and consecutive msg ids. */
  readonly factory: MessageFactory;
}

/** A source, or a function creating one per room. */
export type SimulatorSourceFactory = SimulatorSource | ((context: SourceContext) => SimulatorSource);

/** A source that plays a fixed list of batches (e.g. built with `messageFactory`), then ends. */
export function batchSource(batches: readonly SourceBatch[], history: readonly BuiltMessage[] = []): SimulatorSource {
  let index = 0;
  return {
    history: () => history,
    next: () => batches[index++],
  };
}

/** True for a batch carrying a pre-built frame. */
export function isFrameBatch(batch: SourceBatch): batch is FrameBatch {
  return 'frame' in batch;
}
