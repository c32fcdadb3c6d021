/**
 * A recording as the simulator's message source (`douyin-live serve <file>`): the messages of every inbound
 * `msg` frame, deduped by msgId, re-issued as message batches at their recorded times, so the simulator frames
 * them again with its own cursors, acks, resume and guest masking. Frames that do not decode are pushed as they
 * were recorded (recorded faults stay faults). Read ahead in the background, never the whole file.
 */
import {
  dedupe,
  decodeFrame,
  DouyinLiveError,
  ErrorCodes,
  PayloadType,
  unpackResponse,
  type DecodedFrame,
} from '@douyin-live/core';
import type { SimulatorSource, SourceBatch } from '@douyin-live/simulator';
import type { BuiltMessage } from '@douyin-live/testing';
import type { HeaderRecord } from '@douyin-live/recorder';
import { Subject } from 'rxjs';
import { DEFAULT_REPLAY_OPTIONS } from './options.js';
import { readRecording } from './parts.js';

/** Options of {@link recordingSource}. */
export interface RecordingSourceOptions {
  /**
   * Batches read ahead of playback; reading pauses above it, so memory stays flat.
   * @defaultValue `256`
   */
  readonly readAhead?: number | undefined;
  /**
   * How many msgIds are remembered to drop the repeats a reconnect brought.
   * @defaultValue the live session's window (20 000)
   */
  readonly dedupeWindow?: number | undefined;
  /** Called once if reading fails midway (playback then ends where the readable part ends). */
  readonly onError?: ((error: DouyinLiveError) => void) | undefined;
}

/** A recording opened as a simulator source. */
export interface RecordingSource {
  /** The recording's header (room, start time). */
  readonly header: HeaderRecord;
  /** Pass as the simulator's `source`. */
  readonly source: SimulatorSource;
  /** Batches handed to the simulator so far. */
  readonly stats: { batches: number; messages: number; frames: number; duplicates: number };
}

const DEFAULT_READ_AHEAD = 256;

/**
 * Opens `path` and fills the read-ahead before resolving, so the simulator starts with data. Rejects with
 * `RECORDING_INVALID` when the file is not a recording.
 */
export async function recordingSource(path: string, options: RecordingSourceOptions = {}): Promise<RecordingSource> {
  const readAhead = options.readAhead ?? DEFAULT_READ_AHEAD;
  const buffer: SourceBatch[] = [];
  const stats = { batches: 0, messages: 0, frames: 0, duplicates: 0 };
  let done = false;
  let wake: (() => void) | undefined;
  let lastAtMs = 0;

  // Core's dedupe operator, fed one message at a time: whatever passes lands in `passed` synchronously.
  const incoming = new Subject<BuiltMessage>();
  let passed: BuiltMessage[] = [];
  incoming
    .pipe(dedupe({ window: options.dedupeWindow ?? DEFAULT_REPLAY_OPTIONS.dedupeWindow }))
    .subscribe((m) => passed.push(m));

  const records = readRecording(path, { followParts: true, reader: {} });
  const first = await records.next();
  if (first.done === true || first.value.record.kind !== 'header') {
    throw new DouyinLiveError(ErrorCodes.RECORDING_INVALID, `${path} has no header`, { path });
  }
  const header = first.value.record;

  let filled: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (filled = resolve));

  void (async () => {
    try {
      for await (const { record } of records) {
        if (record.kind !== 'in') continue;
        const atMs = Math.max(0, record.at - header.recordingStartedAt);
        const batch = batchOf(record.bytes, atMs);
        if (batch === undefined) continue;
        buffer.push(batch);
        if (buffer.length >= readAhead) {
          filled();
          await new Promise<void>((resolve) => (wake = resolve));
        }
      }
    } catch (error) {
      options.onError?.(error as DouyinLiveError);
    } finally {
      done = true;
      filled();
    }
  })();

  /** The batch an inbound frame becomes, or undefined (heartbeat answers, close frames, only repeats). */
  function batchOf(bytes: Uint8Array, atMs: number): SourceBatch | undefined {
    const frame = decodeFrame(bytes);
    if (frame.kind !== 'frame') return { atMs, frame: bytes };
    if (frame.payloadType !== PayloadType.MSG) return undefined;
    const unpacked = unpackResponse(frame as DecodedFrame);
    if (unpacked.kind !== 'response') return { atMs, frame: bytes };
    passed = [];
    for (const m of unpacked.response?.messages ?? []) {
      incoming.next({ method: m.method, msgId: m.msgId, payload: m.payload });
    }
    stats.duplicates += (unpacked.response?.messages.length ?? 0) - passed.length;
    return passed.length > 0 ? { atMs, messages: passed } : undefined;
  }

  await ready;
  const source: SimulatorSource = {
    history: () => [],
    next() {
      const batch = buffer.shift();
      if (buffer.length < readAhead / 2) wake?.();
      if (batch !== undefined) {
        lastAtMs = Math.max(lastAtMs, batch.atMs);
        stats.batches++;
        if ('frame' in batch) stats.frames++;
        else stats.messages += batch.messages.length;
        // The source contract: atMs never decreases.
        return batch.atMs < lastAtMs ? { ...batch, atMs: lastAtMs } : batch;
      }
      if (done) return undefined;
      // Reading fell behind playback: an empty batch at the current time asks the timeline to pull again.
      return { atMs: lastAtMs, messages: [] };
    },
  };
  return { header, source, stats };
}
