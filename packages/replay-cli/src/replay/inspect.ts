/**
 * `inspectRecording(file)`: what a recording holds, from one replay as fast as possible with acks checked:
 * header, duration, connections, frames by direction and payload type, messages by method, decode errors, gaps
 * and the ack comparison.
 */
import { decodeFrame } from '@douyin-live/core';
import { defaultSchemaHash, type HeaderRecord } from '@douyin-live/recorder';
import type { AckReport } from './acks.js';
import { replaySession } from './replaySession.js';

/** One connection of a recording. */
export interface ConnectionSummary {
  readonly connection: number;
  /** ms after the recording started; undefined when it was open before this part began. */
  openedAtMs: number | undefined;
  closedAtMs: number | undefined;
  /** WebSocket close code, or the error code of a failed connection. */
  end: string | undefined;
  framesIn: number;
  framesOut: number;
  /** Host of the push URL. */
  host: string | undefined;
}

/** Everything {@link inspectRecording} found. */
export interface RecordingSummary {
  readonly file: string;
  readonly header: HeaderRecord | undefined;
  /** Whether the frames were recorded with the `.proto` schema this build decodes with (`unknown` when unsure). */
  readonly schema: 'same' | 'different' | 'unknown';
  /** From the recording's start to its last record, in ms. */
  readonly durationMs: number;
  readonly connections: readonly ConnectionSummary[];
  /** Frame counts by direction, then payload type (`undecodable` for frames that are not PushFrames). */
  readonly frames: { readonly in: Record<string, number>; readonly out: Record<string, number> };
  /** Raw frame bytes by direction. */
  readonly bytes: { readonly in: number; readonly out: number };
  /** Messages by method (after dedupe), and how many repeats were dropped. */
  readonly messages: { readonly total: number; readonly byMethod: Record<string, number>; readonly duplicates: number };
  /** Problems by error code (decode failures, lost connections, gaps, truncation). */
  readonly errors: Record<string, number>;
  readonly decodeFailures: number;
  readonly gaps: number;
  readonly acks: AckReport;
  /** How the replay ended: `ended` (the live ended), `closed`, or `failed` (not a recording). */
  readonly outcome: 'ended' | 'closed' | 'failed';
  /** The end record's reason (`end`, `ended`, `interrupted`, `duration`, ...); undefined when the file has none. */
  readonly endReason: string | undefined;
  /** Whether the file is cut short (summed up to the cut). */
  readonly truncated: boolean;
}

const increment = (counts: Record<string, number>, key: string): void => void (counts[key] = (counts[key] ?? 0) + 1);

/**
 * Replays `file` at full speed with acks checked and sums it up. A file that is not a recording rejects with
 * `RECORDING_INVALID`; a truncated one is summed up to the cut (`truncated: true`, RECORDING_TRUNCATED on errors).
 */
export async function inspectRecording(file: string): Promise<RecordingSummary> {
  const session = replaySession(file, { speed: 'max', checkAcks: true });
  const connections = new Map<number, ConnectionSummary>();
  const frames = { in: {} as Record<string, number>, out: {} as Record<string, number> };
  const bytes = { in: 0, out: 0 };
  const byMethod: Record<string, number> = {};
  const errors: Record<string, number> = {};
  let gaps = 0;
  let first: number | undefined;
  let last: number | undefined;
  const connection = (n: number): ConnectionSummary => {
    let c = connections.get(n);
    if (c === undefined) {
      c = {
        connection: n,
        openedAtMs: undefined,
        closedAtMs: undefined,
        end: undefined,
        framesIn: 0,
        framesOut: 0,
        host: undefined,
      };
      connections.set(n, c);
    }
    return c;
  };
  session.frames$.subscribe((event) => {
    const start = session.header?.recordingStartedAt ?? event.at;
    first ??= start;
    last = event.at;
    const c = connection(event.connection);
    switch (event.direction) {
      case 'open':
        c.openedAtMs = event.at - start;
        c.host = hostOf(event.url);
        break;
      case 'close':
        c.closedAtMs = event.at - start;
        c.end = String(event.code);
        break;
      case 'error':
        c.closedAtMs = event.at - start;
        c.end = event.code;
        break;
      case 'in':
      case 'out': {
        const frame = decodeFrame(event.bytes);
        increment(frames[event.direction], frame.kind === 'frame' ? frame.payloadType || '(none)' : 'undecodable');
        bytes[event.direction] += event.bytes.length;
        if (event.direction === 'in') c.framesIn++;
        else c.framesOut++;
        break;
      }
    }
  });
  session.messages$.subscribe({ next: (m) => increment(byMethod, m.method), error: () => undefined });
  session.errors$.subscribe((e) => increment(errors, e.code));
  session.gaps$.subscribe(() => gaps++);
  const outcome = await session.done;
  if (outcome.reason === 'failed' && session.header === undefined) throw outcome.error;
  const header = session.header;
  const here = defaultSchemaHash();
  const schema =
    header === undefined || header.schemaHash === 'unknown' || here === 'unknown'
      ? 'unknown'
      : header.schemaHash === here
        ? 'same'
        : 'different';
  return {
    file,
    header,
    schema,
    durationMs: Math.max(0, session.position, last !== undefined && first !== undefined ? last - first : 0),
    connections: [...connections.values()].sort((a, b) => a.connection - b.connection),
    frames,
    bytes,
    messages: { total: session.stats.messages, byMethod, duplicates: session.stats.duplicatesDropped },
    errors,
    decodeFailures: session.stats.decodeFailures,
    gaps,
    acks: session.acks,
    outcome: outcome.reason,
    endReason: session.endReason,
    truncated: session.truncated,
  };
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host || undefined;
  } catch {
    return undefined;
  }
}
