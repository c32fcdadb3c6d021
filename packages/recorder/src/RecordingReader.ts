/**
 * Reads `.dyrec` files back, streaming: the file is read in chunks and decoded record by record, so memory
 * stays flat however large the file. A file cut short ends with a `truncated` record instead of an error.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import { Observable } from 'rxjs';
import { createUnpackr, FORMAT_NAME, FORMAT_VERSION, HEADER_MAGIC } from './format.js';
import type { HeaderRecord, OpenConnection, RecordedRoom, RecordingRecord } from './types.js';

/** Options of {@link RecordingReader}. */
export interface RecordingReaderOptions {
  /** Bytes read from the file at a time. @defaultValue `1048576` (1 MiB) */
  readonly chunkSize?: number | undefined;
  /**
   * Largest record accepted, in bytes; a bigger one means a corrupt length field (it would make the reader
   * buffer the rest of the file). @defaultValue `67108864` (64 MiB)
   */
  readonly maxRecordBytes?: number | undefined;
}

/** The defaults of {@link RecordingReaderOptions}. */
export const DEFAULT_RECORDING_READER_OPTIONS = {
  // 1 MiB
  chunkSize: 1024 * 1024,
  // 64 MiB: a WebSocket frame is far smaller.
  maxRecordBytes: 64 * 1024 * 1024,
} as const satisfies RecordingReaderOptions;

/**
 * Reads a `.dyrec` file: the header first, then every record in order, as an async iterable or an Observable.
 * Each pass reads the file again. A malformed, foreign or newer-version file fails with `RECORDING_INVALID`;
 * a cut tail ends the records with `{ kind: 'truncated', truncated: true, at: byteOffset }`.
 */
export class RecordingReader implements AsyncIterable<RecordingRecord> {
  readonly #chunkSize: number;
  readonly #maxRecordBytes: number;

  /** @param path The part to read (`session.dyrec`, or `session.1.dyrec` for the second part, ...). */
  constructor(
    readonly path: string,
    options: RecordingReaderOptions = {},
  ) {
    this.#chunkSize = options.chunkSize ?? DEFAULT_RECORDING_READER_OPTIONS.chunkSize;
    this.#maxRecordBytes = options.maxRecordBytes ?? DEFAULT_RECORDING_READER_OPTIONS.maxRecordBytes;
    if (!(this.#chunkSize >= 1)) {
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `chunkSize must be at least 1, got ${this.#chunkSize}`);
    }
  }

  /** The records, header first; completes after the last one (or after the `truncated` record). */
  records$(): Observable<RecordingRecord> {
    return new Observable<RecordingRecord>((subscriber) => {
      const iterator = this[Symbol.asyncIterator]();
      let stopped = false;
      void (async () => {
        try {
          for (;;) {
            const step = await iterator.next();
            if (stopped) return;
            if (step.done === true) break;
            subscriber.next(step.value);
          }
          subscriber.complete();
        } catch (error) {
          if (!stopped) subscriber.error(error);
        }
      })();
      return () => {
        stopped = true;
        void iterator.return?.();
      };
    });
  }

  /** The header of the file (reads only as far as the header). */
  async header(): Promise<HeaderRecord> {
    for await (const record of this) {
      if (record.kind === 'header') return record;
      break;
    }
    throw invalid(`${this.path} has no header (the file is empty or cut short)`, 0);
  }

  /** Reads the file record by record. */
  async *[Symbol.asyncIterator](): AsyncGenerator<RecordingRecord, void, undefined> {
    const unpackr = createUnpackr();
    let handle: FileHandle;
    try {
      handle = await open(this.path, 'r');
    } catch (cause) {
      throw new DouyinLiveError(
        ErrorCodes.RECORDING_INVALID,
        `cannot open ${this.path}: ${(cause as Error).message}`,
        { path: this.path },
        { cause },
      );
    }
    try {
      const readBuffer = Buffer.allocUnsafe(this.#chunkSize);
      // Bytes not yet decoded (an incomplete record), and the file offset of their first byte.
      let carry: Buffer = Buffer.alloc(0);
      let base = 0;
      let header: HeaderRecord | undefined;
      for (;;) {
        const { bytesRead } = await handle.read(readBuffer, 0, readBuffer.length, null);
        if (bytesRead === 0) break;
        const chunk = readBuffer.subarray(0, bytesRead);
        const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
        if (header === undefined) checkMagic(data, this.path);
        const decoded: Array<{ value: unknown; start: number }> = [];
        let consumed = 0;
        let failure: unknown;
        try {
          unpackr.unpackMultiple(data, (value: unknown, start = 0, end = 0) => {
            decoded.push({ value, start });
            consumed = end;
          });
        } catch (error) {
          // An incomplete last record waits for the next chunk; anything else is corruption.
          if ((error as { incomplete?: boolean }).incomplete !== true) failure = error;
        }
        for (const { value, start } of decoded) {
          const offset = base + start;
          if (header === undefined) {
            header = toHeader(value, this.path);
            yield header;
          } else {
            const record = toRecord(value, header, this.path, offset);
            if (record !== undefined) yield record;
          }
        }
        if (failure !== undefined) {
          throw invalid(`${this.path}: not MessagePack at byte ${base + consumed}`, base + consumed, failure);
        }
        // Copied: the read buffer is reused for the next chunk.
        carry = Buffer.from(data.subarray(consumed));
        base += consumed;
        if (carry.length > this.#maxRecordBytes) {
          throw invalid(
            `${this.path}: record at byte ${base} is larger than ${this.#maxRecordBytes} bytes (corrupt length?)`,
            base,
          );
        }
      }
      if (carry.length > 0 || header === undefined) {
        yield { kind: 'truncated', truncated: true, at: base, tailBytes: carry.length };
      }
    } finally {
      await handle.close();
    }
  }
}

function invalid(message: string, offset: number, cause?: unknown): DouyinLiveError {
  return new DouyinLiveError(ErrorCodes.RECORDING_INVALID, message, { offset }, cause === undefined ? {} : { cause });
}

/** Rejects a foreign file from its first bytes, even when it is too short to hold a whole header. */
function checkMagic(data: Buffer, path: string): void {
  if (data.length === 0) return;
  const first = data[0]!;
  // A fixmap (0x80-0x8f) or map16 (0xde) marker, then `format: "dyrec"`.
  const mapMarkerLength = first >= 0x80 && first <= 0x8f ? 1 : first === 0xde ? 3 : 0;
  const magic = data.subarray(mapMarkerLength, mapMarkerLength + HEADER_MAGIC.length);
  const expected = HEADER_MAGIC.subarray(0, magic.length);
  if (mapMarkerLength === 0 || !Buffer.from(magic).equals(Buffer.from(expected))) {
    throw invalid(`${path} is not a .dyrec recording (it does not start with a dyrec header)`, 0);
  }
}

type Fields = Record<string, unknown>;

function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function toHeader(value: unknown, path: string): HeaderRecord {
  if (!isFields(value) || value['format'] !== FORMAT_NAME || value['kind'] !== 'header') {
    throw invalid(`${path} is not a .dyrec recording (the first value is not a dyrec header)`, 0);
  }
  const version = value['version'];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw invalid(`${path}: invalid format version ${JSON.stringify(version)}`, 0);
  }
  if (version > FORMAT_VERSION) {
    throw invalid(
      `${path} is a version ${version} recording; this reader understands up to version ${FORMAT_VERSION} (upgrade @douyin-live/recorder)`,
      0,
    );
  }
  const startedAt = num(value['startedAt']);
  return {
    kind: 'header',
    format: FORMAT_NAME,
    version,
    recorder: str(value['recorder']),
    part: num(value['part']),
    startedAt,
    recordingStartedAt: typeof value['recordingStartedAt'] === 'number' ? value['recordingStartedAt'] : startedAt,
    room: isFields(value['room']) ? (value['room'] as unknown as RecordedRoom) : null,
    schemaHash: typeof value['schemaHash'] === 'string' ? value['schemaHash'] : 'unknown',
    pseudonymised: value['pseudonymised'] === true,
    openConnections: Array.isArray(value['openConnections'])
      ? (value['openConnections'] as unknown[]).filter(isFields).map((c): OpenConnection => ({
          conn: num(c['conn']),
          url: str(c['url']),
          headers: stringMap(c['headers']),
          openedAt: num(c['openedAt']),
        }))
      : [],
  };
}

/** One record after the header; undefined for a kind this version does not know (skipped, see the format doc). */
function toRecord(value: unknown, header: HeaderRecord, path: string, offset: number): RecordingRecord | undefined {
  if (!isFields(value) || typeof value['kind'] !== 'string' || typeof value['ms'] !== 'number') {
    throw invalid(`${path}: the value at byte ${offset} is not a record`, offset);
  }
  const ms = value['ms'];
  const at = header.startedAt + ms;
  switch (value['kind']) {
    case 'in':
    case 'out': {
      const bytes = value['bytes'];
      if (!(bytes instanceof Uint8Array)) throw invalid(`${path}: frame record at byte ${offset} has no bytes`, offset);
      return {
        kind: value['kind'],
        ms,
        at,
        conn: num(value['conn']),
        // A plain Uint8Array view (msgpackr hands out Buffers).
        bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      };
    }
    case 'open':
      return {
        kind: 'open',
        ms,
        at,
        conn: num(value['conn']),
        url: str(value['url']),
        headers: stringMap(value['headers']),
      };
    case 'close':
      return {
        kind: 'close',
        ms,
        at,
        conn: num(value['conn']),
        code: num(value['code']),
        reason: str(value['reason']),
      };
    case 'error':
      return {
        kind: 'error',
        ms,
        at,
        conn: num(value['conn']),
        code: str(value['code']),
        message: str(value['message']),
      };
    case 'end':
      return {
        kind: 'end',
        ms,
        at,
        reason: str(value['reason']),
        ...(typeof value['next'] === 'string' ? { next: value['next'] } : {}),
      };
    default:
      return undefined;
  }
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isFields(v)) for (const [k, x] of Object.entries(v)) out[k] = str(x);
  return out;
}
