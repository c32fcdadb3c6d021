import type { DouyinLiveError } from '../errors.js';

/** The stages of a join, in the order `diagnoseRoom` runs them. */
export const DIAGNOSIS_STAGES = [
  'network',
  'ttwid',
  'room-page',
  'enter',
  'im-fetch',
  'signature',
  'handshake',
  'first-frame',
  'messages',
  'acks',
  'heartbeat',
  'login',
] as const;

/** One stage of a join: see {@link DIAGNOSIS_STAGES}. */
export type DiagnosisStageName = (typeof DIAGNOSIS_STAGES)[number];

/**
 * How a stage went: `ok`; `warn` (worked, with a finding that costs something, e.g. gifts withheld);
 * `fail`; `skipped` (an earlier stage made it impossible or pointless).
 */
export type StageStatus = 'ok' | 'warn' | 'fail' | 'skipped';

/** A fact a stage found: printable and JSON-safe. */
export type StageFact = string | number | boolean | Readonly<Record<string, number>>;

/** The result of one stage. */
export interface DiagnosisStage {
  readonly kind: 'stage';
  readonly stage: DiagnosisStageName;
  readonly status: StageStatus;
  /** How long the stage took, ms (for the socket stages: ms after the handshake until it happened). */
  readonly ms: number;
  /** One line: what was found. */
  readonly summary: string;
  /** What the stage found, by name (roomId, status, cursor, handshake-msg, ...). */
  readonly facts: Readonly<Record<string, StageFact>>;
  /** The error behind a `fail`, when there was one. */
  readonly error?: DouyinLiveError | undefined;
  /** What to do about a `fail` or `warn`. */
  readonly hint?: string | undefined;
}

/** The conclusion, after the last stage. */
export interface DiagnosisVerdict {
  readonly kind: 'verdict';
  /** Live messages arrived over the WebSocket. */
  readonly ok: boolean;
  /** The first stage that failed (else the first with a warning); undefined when all went well. */
  readonly stage: DiagnosisStageName | undefined;
  /** One line. */
  readonly summary: string;
  /** What to do, for the named stage. */
  readonly hint: string | undefined;
  /** The whole diagnosis, ms. */
  readonly ms: number;
}

/** What `diagnoseRoom` yields: every stage, then the verdict. */
export type DiagnosisEvent = DiagnosisStage | DiagnosisVerdict;
