/**
 * The recorder's inputs (raw frame taps of a live session) and its outputs (the records of a `.dyrec` file, as
 * the reader returns them). See `docs/recording-format.md` for the byte layout.
 */

/** One tap of a live session's socket (a frame in or out, a connection opening, closing or failing). */
export type { RawFrameEvent } from '@douyin-live/core';

/** The anchor (streamer) of a recorded room. */
export interface RecordedAnchor {
  readonly nickname: string;
  /** 64-bit user id, as a string. */
  readonly id?: string | undefined;
  readonly secUid?: string | undefined;
}

/** The room a recording was made in, as the live session resolved it. */
export interface RecordedRoom {
  /** The id in the room's web URL (`live.douyin.com/<webRid>`); `''` when the room was joined by room id. */
  readonly webRid: string;
  /** The 64-bit room id, as a string. */
  readonly roomId: string;
  readonly title: string;
  /** The anchor, when the room page named one. */
  readonly anchor?: RecordedAnchor | undefined;
  /** Room status at the start, when known (1 preparing, 2 live, 3 paused, 4 ended). */
  readonly status?: number | string | undefined;
}

/** A connection opening, as stored (the URL without secrets, headers without cookies). */
export interface OpenRecord {
  readonly kind: 'open';
  /** Time since the part's `startedAt`, in ms. */
  readonly ms: number;
  /** Absolute time in ms since the epoch (`startedAt + ms`; computed by the reader, not stored). */
  readonly at: number;
  readonly conn: number;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A connection that was open when a part started. */
export interface OpenConnection {
  readonly conn: number;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** When it opened, in ms since the epoch. */
  readonly openedAt: number;
}

/** The first record of every part. */
export interface HeaderRecord {
  readonly kind: 'header';
  /** Always `dyrec`. */
  readonly format: 'dyrec';
  /** Format version (this reader understands 1). */
  readonly version: number;
  /** Version of `@douyin-live/recorder` that wrote the file. */
  readonly recorder: string;
  /** Part number: 0 for `session.dyrec`, 1 for `session.1.dyrec`, ... */
  readonly part: number;
  /** When this part started, in ms since the epoch; every record's `ms` counts from here. */
  readonly startedAt: number;
  /** When part 0 started, in ms since the epoch. */
  readonly recordingStartedAt: number;
  /** The room, when the recorder was told. */
  readonly room: RecordedRoom | null;
  /** `sha256:<hex>` of the `proto/douyin.proto` the recorder was built with, or `unknown`. */
  readonly schemaHash: string;
  /** Whether user nicknames and ids inside the frames were replaced with pseudonyms. */
  readonly pseudonymised: boolean;
  /** Connections already open when this part started (their `open` records were in an earlier part). */
  readonly openConnections: readonly OpenConnection[];
}

/** A frame the server sent (`in`) or the client sent (`out`: acks and heartbeats). */
export interface FrameRecord {
  readonly kind: 'in' | 'out';
  readonly ms: number;
  readonly at: number;
  readonly conn: number;
  /** The WebSocket message, byte for byte (pseudonymised when the header says so). */
  readonly bytes: Uint8Array;
}

/** A connection closing. */
export interface CloseRecord {
  readonly kind: 'close';
  readonly ms: number;
  readonly at: number;
  readonly conn: number;
  readonly code: number;
  readonly reason: string;
}

/** A connection failing. */
export interface ErrorRecord {
  readonly kind: 'error';
  readonly ms: number;
  readonly at: number;
  readonly conn: number;
  readonly code: string;
  readonly message: string;
}

/** The last record of a part: the session ended (`reason`) or the recording went on in the next part. */
export interface EndRecord {
  readonly kind: 'end';
  readonly ms: number;
  readonly at: number;
  /** `rotate` when a next part follows; otherwise why the recording stopped (`end` by default). */
  readonly reason: string;
  /** File name of the next part, after `rotate`. */
  readonly next?: string | undefined;
}

/**
 * Not stored: the reader's last record when the file stops in the middle of a record (a crash or a copy cut
 * short). Everything before `at` read back intact.
 */
export interface TruncatedRecord {
  readonly kind: 'truncated';
  readonly truncated: true;
  /** Byte offset where the incomplete record starts (= the length of the intact prefix). */
  readonly at: number;
  /** How many bytes follow `at`. */
  readonly tailBytes: number;
}

/** A record as {@link RecordingReader} yields it. */
export type RecordingRecord =
  HeaderRecord | FrameRecord | OpenRecord | CloseRecord | ErrorRecord | EndRecord | TruncatedRecord;
