/**
 * The writer of `.dyrec` files: an append-only stream of MessagePack records, buffered in memory for at most
 * one flush interval (or one flush size), written with one write in flight at a time, rotated into numbered
 * parts by size or duration.
 */
import { closeSync, fsync, openSync, write as fsWrite } from 'node:fs';
import { basename } from 'node:path';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import type { Packr } from 'msgpackr';
import { createPackr, defaultSchemaHash, FORMAT_NAME, FORMAT_VERSION, partPath, RECORDER_VERSION } from './format.js';
import { Pseudonymiser, type PseudonymiserStats } from './pseudonymise.js';
import { scrubHeaders, scrubText, scrubUrl } from './redact.js';
import type { OpenConnection, RawFrameEvent, RecordedAnchor, RecordedRoom } from './types.js';

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  /** The room, for the header. @defaultValue `undefined` (the header says `room: null`) */
  readonly room?: RecordedRoom | undefined;
  /** Longest time a record waits in memory before it is written, in ms. @defaultValue `1000` */
  readonly flushIntervalMs?: number | undefined;
  /** Buffered bytes that trigger a write before the interval is up. @defaultValue `262144` (256 KiB) */
  readonly flushBytes?: number | undefined;
  /** Start a new part once a part would grow past this many bytes; `0` never. @defaultValue `0` */
  readonly maxPartBytes?: number | undefined;
  /** Start a new part once a part has run this long, in ms; `0` never. @defaultValue `0` */
  readonly maxPartDurationMs?: number | undefined;
  /** Replace user nicknames, ids and avatars inside frames with stable pseudonyms. @defaultValue `false` */
  readonly pseudonymiseUsers?: boolean | undefined;
  /** HMAC key of the pseudonyms. @defaultValue 32 random bytes, never stored */
  readonly pseudonymKey?: Uint8Array | undefined;
  /**
   * Literal secret values (cookie values, tokens) to remove from every stored URL, header, close reason and
   * error message, on top of the built-in rules. @defaultValue `[]`
   */
  readonly secrets?: readonly string[] | undefined;
  /**
   * `sha256:<hex>` of the .proto schema the frames were made with. @defaultValue the hash of
   * `proto/douyin.proto` found from the working directory up, else `'unknown'`
   */
  readonly schemaHash?: string | undefined;
  /** `fsync` after every write (survives power loss, not only a process crash; slower). @defaultValue `false` */
  readonly fsync?: boolean | undefined;
  /** Clock, in ms since the epoch; stamps the start of part 0. @defaultValue `Date.now` */
  readonly now?: (() => number) | undefined;
  /**
   * Called once when a write fails (disk full, file removed); the recorder stops writing. Without it the
   * failure surfaces only through {@link Recorder.end} and {@link RecorderStats.error}. @defaultValue `undefined`
   */
  readonly onError?: ((error: DouyinLiveError) => void) | undefined;
}

/** The options with every default filled in (`room`, `pseudonymKey` and `onError` stay optional). */
export type ResolvedRecorderOptions = {
  readonly [K in Exclude<keyof RecorderOptions, 'room' | 'pseudonymKey' | 'onError'>]-?: NonNullable<
    RecorderOptions[K]
  >;
} & {
  readonly room: RecordedRoom | undefined;
  readonly pseudonymKey: Uint8Array | undefined;
  readonly onError: ((error: DouyinLiveError) => void) | undefined;
};

/** The defaults of {@link RecorderOptions} (computed defaults, `schemaHash` and `pseudonymKey`, aside). */
export const DEFAULT_RECORDER_OPTIONS = {
  flushIntervalMs: 1000,
  // 256 KiB
  flushBytes: 256 * 1024,
  maxPartBytes: 0,
  maxPartDurationMs: 0,
  pseudonymiseUsers: false,
  secrets: [],
  fsync: false,
} as const satisfies Partial<RecorderOptions>;

/** Merges options with {@link DEFAULT_RECORDER_OPTIONS}; the only place defaults are applied. */
export function resolveRecorderOptions(options: RecorderOptions = {}): ResolvedRecorderOptions {
  const positive = (name: string, value: number, allowZero: boolean) => {
    if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
      throw new DouyinLiveError(
        ErrorCodes.INVALID_ARGUMENT,
        `${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${value}`,
      );
    }
    return value;
  };
  return {
    room: options.room,
    flushIntervalMs: positive(
      'flushIntervalMs',
      options.flushIntervalMs ?? DEFAULT_RECORDER_OPTIONS.flushIntervalMs,
      false,
    ),
    flushBytes: positive('flushBytes', options.flushBytes ?? DEFAULT_RECORDER_OPTIONS.flushBytes, false),
    maxPartBytes: positive('maxPartBytes', options.maxPartBytes ?? DEFAULT_RECORDER_OPTIONS.maxPartBytes, true),
    maxPartDurationMs: positive(
      'maxPartDurationMs',
      options.maxPartDurationMs ?? DEFAULT_RECORDER_OPTIONS.maxPartDurationMs,
      true,
    ),
    pseudonymiseUsers: options.pseudonymiseUsers ?? DEFAULT_RECORDER_OPTIONS.pseudonymiseUsers,
    pseudonymKey: options.pseudonymKey,
    secrets: options.secrets ?? DEFAULT_RECORDER_OPTIONS.secrets,
    schemaHash: options.schemaHash ?? defaultSchemaHash(),
    fsync: options.fsync ?? DEFAULT_RECORDER_OPTIONS.fsync,
    now: options.now ?? Date.now,
    onError: options.onError,
  };
}

/** What a recorder has done so far (a snapshot). */
export interface RecorderStats {
  /** When part 0 started, in ms since the epoch. */
  readonly startedAt: number;
  /** The part being written. */
  readonly path: string;
  /** Every part written so far, in order. */
  readonly paths: readonly string[];
  /** Inbound frames recorded. */
  readonly framesIn: number;
  /** Outbound frames (acks, heartbeats) recorded. */
  readonly framesOut: number;
  /** Raw bytes of the inbound frames, as received. */
  readonly bytesIn: number;
  /** Raw bytes of the outbound frames. */
  readonly bytesOut: number;
  /** Records encoded, headers and end records included. */
  readonly records: number;
  /** Records that reached the operating system (they survive the process being killed). */
  readonly recordsFlushed: number;
  /** Encoded bytes, over all parts. */
  readonly bytesWritten: number;
  /** Encoded bytes that reached the operating system. */
  readonly bytesFlushed: number;
  /** Encoded bytes waiting in memory. */
  readonly bufferedBytes: number;
  /** Connections open now (opened and not yet closed). */
  readonly openConnections: number;
  /** Events passed to `write` after `end` or after a failure, and so not recorded. */
  readonly dropped: number;
  /** What pseudonymisation did, when on. */
  readonly pseudonyms: PseudonymiserStats | undefined;
  /** The write failure that stopped the recorder, if any. */
  readonly error: DouyinLiveError | undefined;
  /** True once `end` has finished (the last part is closed). */
  readonly closed: boolean;
}

/** A recording in progress. */
export interface Recorder {
  /** Records one event. Never throws and never blocks: the record is buffered and written on the next flush. */
  write(event: RawFrameEvent): void;
  /** Writes everything buffered now; resolves once it reached the operating system. */
  flush(): Promise<void>;
  /**
   * Writes the end record, flushes and closes the file. Resolves with the final stats; rejects when a write
   * failed. Calling it again returns the same promise.
   * @param reason Stored in the end record. @defaultValue `'end'`
   */
  end(reason?: string): Promise<RecorderStats>;
  /** What has been done so far. */
  readonly stats: RecorderStats;
}

/** One part file. */
interface Part {
  readonly number: number;
  readonly path: string;
  readonly fd: number;
  readonly startedAt: number;
  /** Encoded bytes of this part so far. */
  bytes: number;
  /** Records of this part so far, the header included. */
  records: number;
  /** The file descriptor has been closed. */
  closed: boolean;
}

/** Encoded records on their way to one part's file. */
interface Batch {
  readonly part: Part;
  readonly chunks: Buffer[];
  bytes: number;
  records: number;
  /** Close the part's file once this batch is written (rotation or end). */
  closeAfter: boolean;
}

/**
 * Starts a recording at `path` (overwritten if it exists). The header is written at once, so a file exists and
 * identifies itself from the first moment; records follow every `flushIntervalMs` or `flushBytes`.
 * @throws DouyinLiveError `INVALID_ARGUMENT` for bad options or a path that cannot be opened for writing.
 */
export function createRecorder(path: string, options: RecorderOptions = {}): Recorder {
  return new FileRecorder(path, resolveRecorderOptions(options));
}

class FileRecorder implements Recorder {
  readonly #options: ResolvedRecorderOptions;
  readonly #basePath: string;
  readonly #packr: Packr = createPackr();
  readonly #pseudonymiser: Pseudonymiser | undefined;
  readonly #room: RecordedRoom | null;
  readonly #startedAt: number;
  readonly #open = new Map<number, OpenConnection>();
  readonly #paths: string[] = [];
  readonly #timer: NodeJS.Timeout;
  #part: Part;
  #batch: Batch;
  /** Sealed batches waiting for the writer, oldest first. */
  readonly #queue: Batch[] = [];
  #draining: Promise<void> | undefined;
  #ending: Promise<RecorderStats> | undefined;
  #closed = false;
  #error: DouyinLiveError | undefined;
  #framesIn = 0;
  #framesOut = 0;
  #bytesIn = 0;
  #bytesOut = 0;
  #records = 0;
  #recordsFlushed = 0;
  #bytesWritten = 0;
  #bytesFlushed = 0;
  #bufferedBytes = 0;
  #dropped = 0;

  constructor(path: string, options: ResolvedRecorderOptions) {
    this.#options = options;
    this.#basePath = path;
    this.#pseudonymiser = options.pseudonymiseUsers ? new Pseudonymiser(options.pseudonymKey) : undefined;
    const room = options.room;
    this.#room =
      room === undefined
        ? null
        : {
            webRid: room.webRid,
            roomId: room.roomId,
            title: room.title,
            ...(room.anchor !== undefined
              ? { anchor: this.#pseudonymiser ? this.#pseudonymiser.anchor(room.anchor) : plainAnchor(room.anchor) }
              : {}),
            ...(room.status !== undefined ? { status: room.status } : {}),
          };
    this.#startedAt = options.now();
    this.#part = this.#openPart(0, this.#startedAt);
    this.#batch = this.#newBatch(this.#part);
    this.#writeHeader();
    // The header goes out at once: a file that exists always says what it is.
    void this.flush();
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs);
    // A recorder alone must not keep the process alive; the session it records does.
    this.#timer.unref();
  }

  get stats(): RecorderStats {
    return {
      startedAt: this.#startedAt,
      path: this.#part.path,
      paths: [...this.#paths],
      framesIn: this.#framesIn,
      framesOut: this.#framesOut,
      bytesIn: this.#bytesIn,
      bytesOut: this.#bytesOut,
      records: this.#records,
      recordsFlushed: this.#recordsFlushed,
      bytesWritten: this.#bytesWritten,
      bytesFlushed: this.#bytesFlushed,
      bufferedBytes: this.#bufferedBytes,
      openConnections: this.#open.size,
      dropped: this.#dropped,
      pseudonyms: this.#pseudonymiser ? { ...this.#pseudonymiser.stats } : undefined,
      error: this.#error,
      closed: this.#closed,
    };
  }

  write(event: RawFrameEvent): void {
    if (this.#ending !== undefined || this.#error !== undefined) {
      this.#dropped++;
      return;
    }
    const duration = this.#options.maxPartDurationMs;
    if (duration > 0 && event.at - this.#part.startedAt >= duration && this.#part.records > 1) {
      this.#rotate(event.at);
    }
    let encoded = this.#encode(event, this.#part);
    const maxBytes = this.#options.maxPartBytes;
    if (maxBytes > 0 && this.#part.bytes + encoded.length > maxBytes && this.#part.records > 1) {
      this.#rotate(event.at);
      // `ms` counts from the new part's start.
      encoded = this.#encode(event, this.#part);
    }
    if (this.#error !== undefined) return;
    this.#append(encoded);
    switch (event.direction) {
      case 'in':
        this.#framesIn++;
        this.#bytesIn += event.bytes.length;
        break;
      case 'out':
        this.#framesOut++;
        this.#bytesOut += event.bytes.length;
        break;
      case 'open':
        this.#open.set(event.connection, {
          conn: event.connection,
          url: scrubUrl(event.url, this.#options.secrets),
          headers: scrubHeaders(event.headers, this.#options.secrets),
          openedAt: event.at,
        });
        break;
      case 'close':
        this.#open.delete(event.connection);
        break;
      case 'error':
        break;
    }
    if (this.#batch.bytes >= this.#options.flushBytes) void this.flush();
  }

  flush(): Promise<void> {
    if (this.#batch.records > 0 || this.#batch.closeAfter) {
      this.#queue.push(this.#batch);
      this.#batch = this.#newBatch(this.#part);
    }
    return this.#drain();
  }

  end(reason = 'end'): Promise<RecorderStats> {
    this.#ending ??= (async () => {
      clearInterval(this.#timer);
      if (this.#error === undefined) {
        this.#append(this.#pack({ kind: 'end', ms: this.#options.now() - this.#part.startedAt, reason }));
      }
      this.#batch.closeAfter = true;
      await this.flush();
      this.#closed = true;
      if (this.#error !== undefined) throw this.#error;
      return this.stats;
    })();
    return this.#ending;
  }

  // --- encoding -------------------------------------------------------------------------------------------

  #pack(value: Record<string, unknown>): Buffer {
    return this.#packr.pack(value);
  }

  #encode(event: RawFrameEvent, part: Part): Buffer {
    const ms = event.at - part.startedAt;
    const secrets = this.#options.secrets;
    switch (event.direction) {
      case 'in': {
        const bytes = this.#pseudonymiser ? this.#pseudonymiser.frame(event.bytes) : event.bytes;
        return this.#pack({ kind: 'in', ms, conn: event.connection, bytes });
      }
      case 'out':
        // Acks and heartbeats carry cursors and internal_ext, never user data.
        return this.#pack({ kind: 'out', ms, conn: event.connection, bytes: event.bytes });
      case 'open':
        return this.#pack({
          kind: 'open',
          ms,
          conn: event.connection,
          url: scrubUrl(event.url, secrets),
          headers: scrubHeaders(event.headers, secrets),
        });
      case 'close':
        return this.#pack({
          kind: 'close',
          ms,
          conn: event.connection,
          code: event.code,
          reason: scrubText(event.reason, secrets),
        });
      case 'error':
        return this.#pack({
          kind: 'error',
          ms,
          conn: event.connection,
          code: event.code,
          message: scrubText(event.message, secrets),
        });
    }
  }

  #writeHeader(): void {
    const part = this.#part;
    this.#append(
      // `format` first: every file then starts with the same bytes (see HEADER_MAGIC).
      this.#pack({
        format: FORMAT_NAME,
        kind: 'header',
        version: FORMAT_VERSION,
        recorder: RECORDER_VERSION,
        part: part.number,
        startedAt: part.startedAt,
        recordingStartedAt: this.#startedAt,
        room: this.#room,
        schemaHash: this.#options.schemaHash,
        pseudonymised: this.#pseudonymiser !== undefined,
        openConnections: [...this.#open.values()],
      }),
    );
  }

  #append(encoded: Buffer): void {
    this.#batch.chunks.push(encoded);
    this.#batch.bytes += encoded.length;
    this.#batch.records++;
    this.#part.bytes += encoded.length;
    this.#part.records++;
    this.#records++;
    this.#bytesWritten += encoded.length;
    this.#bufferedBytes += encoded.length;
  }

  // --- parts ----------------------------------------------------------------------------------------------

  #openPart(number: number, startedAt: number): Part {
    const path = partPath(this.#basePath, number);
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (cause) {
      throw new DouyinLiveError(
        ErrorCodes.INVALID_ARGUMENT,
        `cannot open recording file ${path}: ${(cause as Error).message}`,
        { path },
        { cause },
      );
    }
    this.#paths.push(path);
    return { number, path, fd, startedAt, bytes: 0, records: 0, closed: false };
  }

  #newBatch(part: Part): Batch {
    return { part, chunks: [], bytes: 0, records: 0, closeAfter: false };
  }

  #rotate(at: number): void {
    const next = this.#part.number + 1;
    this.#append(
      this.#pack({
        kind: 'end',
        ms: at - this.#part.startedAt,
        reason: 'rotate',
        next: basename(partPath(this.#basePath, next)),
      }),
    );
    this.#batch.closeAfter = true;
    void this.flush();
    try {
      this.#part = this.#openPart(next, at);
    } catch (error) {
      this.#fail(error as DouyinLiveError);
      return;
    }
    this.#batch = this.#newBatch(this.#part);
    this.#writeHeader();
    void this.flush();
  }

  // --- writing --------------------------------------------------------------------------------------------

  /** Writes queued batches one at a time; the returned promise settles when the queue is empty. */
  #drain(): Promise<void> {
    if (this.#draining === undefined) {
      // Cleared in a later microtask, so a drain that finds nothing to await cannot leave a stale promise.
      this.#draining = this.#writeQueued().finally(() => {
        this.#draining = undefined;
      });
    }
    return this.#draining;
  }

  async #writeQueued(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.shift()!;
      if (this.#error === undefined && batch.chunks.length > 0) {
        try {
          await writeAll(batch.part.fd, Buffer.concat(batch.chunks, batch.bytes));
          if (this.#options.fsync) await fsyncFd(batch.part.fd);
          this.#bytesFlushed += batch.bytes;
          this.#recordsFlushed += batch.records;
        } catch (cause) {
          this.#fail(
            new DouyinLiveError(
              ErrorCodes.RECORDING_WRITE_FAILED,
              `writing ${batch.part.path} failed, the recording stops here: ${(cause as Error).message}`,
              { path: batch.part.path },
              { cause },
            ),
          );
        }
      }
      this.#bufferedBytes -= batch.bytes;
      if (batch.closeAfter && !batch.part.closed) {
        batch.part.closed = true;
        closeQuietly(batch.part.fd);
      }
    }
  }

  #fail(error: DouyinLiveError): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    clearInterval(this.#timer);
    this.#options.onError?.(error);
  }
}

function plainAnchor(anchor: RecordedAnchor): RecordedAnchor {
  return {
    nickname: anchor.nickname,
    ...(anchor.id !== undefined ? { id: anchor.id } : {}),
    ...(anchor.secUid !== undefined ? { secUid: anchor.secUid } : {}),
  };
}

/** Writes the whole buffer (fs.write may write less than asked). */
async function writeAll(fd: number, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    offset += await new Promise<number>((resolve, reject) =>
      fsWrite(fd, data, offset, data.length - offset, null, (error, written) =>
        error ? reject(error) : resolve(written),
      ),
    );
  }
}

function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (error) => (error ? reject(error) : resolve())));
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already closed or gone; nothing left to lose.
  }
}
