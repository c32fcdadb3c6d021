/**
 * Ack checking for replays: the ack core's `ackFor` computes for each inbound frame, compared with the acks the
 * recorded client actually sent on the same connection, matched by the frame's logId.
 */
import { decodeFrame, PayloadType } from '@douyin-live/core';

/** How one ack compared. */
export type AckCheckResult =
  /** The recorded ack is byte for byte the recomputed one. */
  | 'match'
  /** An ack with the same logId was recorded, but its bytes differ (e.g. another internal_ext). */
  | 'mismatch'
  /** An ack was due but none was recorded before the connection ended. */
  | 'missing'
  /** An ack was recorded for a frame that needed none (or for a logId never received). */
  | 'unexpected';

/** One ack compared. */
export interface AckCheck {
  readonly result: AckCheckResult;
  /** The connection (1, 2, ... as recorded). */
  readonly connection: number;
  /** The logId of the acked frame (64-bit, as a string). */
  readonly logId: string;
  /** The ack `ackFor` computed (absent for `unexpected`). */
  readonly expected: Uint8Array | undefined;
  /** The ack the recording holds (absent for `missing`). */
  readonly recorded: Uint8Array | undefined;
}

/** Counts of each {@link AckCheckResult}. */
export interface AckCounts {
  matched: number;
  mismatched: number;
  missing: number;
  unexpected: number;
}

/** The totals of an ack check. */
export interface AckReport extends AckCounts {
  /** False when the replay was not asked to check acks (every count then stays 0). */
  readonly enabled: boolean;
  /** Acks recomputed (frames whose Response asked for one). */
  computed: number;
  /** Ack frames found among the recorded outbound frames. */
  recorded: number;
  /** The same counts per connection. */
  readonly connections: Record<number, AckCounts>;
  /** True when every computed ack was recorded as is and nothing else was. */
  ok: boolean;
}

/** Bookkeeping of one replay's ack check: feed it computed and recorded acks in recording order. */
export class AckChecker {
  readonly report: AckReport;
  // Computed acks not yet matched, by `${connection}:${logId}` (a list: a logId may come twice).
  readonly #pending = new Map<string, Uint8Array[]>();

  constructor(
    enabled: boolean,
    private readonly emit: (check: AckCheck) => void,
  ) {
    this.report = {
      enabled,
      computed: 0,
      recorded: 0,
      matched: 0,
      mismatched: 0,
      missing: 0,
      unexpected: 0,
      connections: {},
      ok: true,
    };
  }

  /** An ack the pipeline computed for an inbound frame of `connection`. */
  expect(connection: number, logId: string, ack: Uint8Array): void {
    this.report.computed++;
    const key = `${connection}:${logId}`;
    const list = this.#pending.get(key);
    if (list) list.push(ack);
    else this.#pending.set(key, [ack]);
  }

  /** A recorded outbound frame; returns true when it was an ack (heartbeats and others are left alone). */
  recordedOut(connection: number, bytes: Uint8Array): boolean {
    const frame = decodeFrame(bytes);
    if (frame.kind !== 'frame' || frame.payloadType !== PayloadType.ACK) return false;
    this.report.recorded++;
    const key = `${connection}:${frame.logId}`;
    const list = this.#pending.get(key);
    const expected = list?.shift();
    if (list !== undefined && list.length === 0) this.#pending.delete(key);
    const result: AckCheckResult =
      expected === undefined ? 'unexpected' : sameBytes(expected, bytes) ? 'match' : 'mismatch';
    this.#count(result, { result, connection, logId: frame.logId, expected, recorded: bytes });
    return true;
  }

  /** A connection ended: acks still due on it were never sent. */
  connectionEnded(connection: number): void {
    const prefix = `${connection}:`;
    for (const [key, list] of this.#pending) {
      if (!key.startsWith(prefix)) continue;
      this.#pending.delete(key);
      const logId = key.slice(prefix.length);
      for (const expected of list) {
        this.#count('missing', { result: 'missing', connection, logId, expected, recorded: undefined });
      }
    }
  }

  /** The recording is over: whatever is still due is missing. */
  finish(): void {
    const connections = new Set([...this.#pending.keys()].map((key) => Number(key.slice(0, key.indexOf(':')))));
    for (const connection of connections) this.connectionEnded(connection);
  }

  #count(result: AckCheckResult, check: AckCheck): void {
    const r = this.report;
    const perConnection = (r.connections[check.connection] ??= {
      matched: 0,
      mismatched: 0,
      missing: 0,
      unexpected: 0,
    });
    const field = COUNT_FIELD[result];
    r[field]++;
    perConnection[field]++;
    if (result !== 'match') r.ok = false;
    this.emit(check);
  }
}

const COUNT_FIELD = {
  match: 'matched',
  mismatch: 'mismatched',
  missing: 'missing',
  unexpected: 'unexpected',
} as const satisfies Record<AckCheckResult, keyof AckCounts>;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}
