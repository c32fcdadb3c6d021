/**
 * `importFrames`: builds a `.dyrec` recording from a JSON-lines frame log, one frame per line:
 * `{"dir":"in"|"out","t":<ms>,"b64":"<PushFrame base64>"}` (optionally `"conn":<n>`, default 1). Logs made
 * by other tools (a browser extension, a proxy dump) can then be replayed, inspected and verified.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import { createRecorder, type RecordedRoom, type RecorderStats } from '@douyin-live/recorder';

/** One line of a frame log, parsed. */
export interface FrameLogLine {
  readonly dir: 'in' | 'out';
  /** Time of the frame in ms (since any origin; relative times count from the first line). */
  readonly t: number;
  /** Connection number. */
  readonly conn: number;
  readonly bytes: Uint8Array;
}

/** Options of {@link importFrames}. */
export interface ImportFramesOptions {
  /** The room, for the header. @defaultValue `undefined` (`room: null`) */
  readonly room?: RecordedRoom | undefined;
  /**
   * When the first frame happened, in ms since the epoch, for logs with relative times (`t` below 10¹²).
   * @defaultValue `0` (relative times stay relative to the epoch)
   */
  readonly startedAt?: number | undefined;
}

// Times at or above this are taken as ms since the epoch (2001-09-09); below, as relative.
const EPOCH_MS_THRESHOLD = 1e12;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Parses one line of a frame log; throws `INVALID_ARGUMENT` naming the line and the problem.
 * @param where `file:line`, for the message.
 */
export function parseFrameLogLine(text: string, where: string): FrameLogLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw bad(where, `not JSON (${(cause as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad(where, 'not a JSON object');
  const { dir, t, b64, conn } = value as Record<string, unknown>;
  if (dir !== 'in' && dir !== 'out') throw bad(where, `"dir" must be "in" or "out", got ${JSON.stringify(dir)}`);
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) {
    throw bad(where, `"t" must be a non-negative number of ms, got ${JSON.stringify(t)}`);
  }
  if (typeof b64 !== 'string' || b64.length === 0 || b64.length % 4 !== 0 || !BASE64.test(b64)) {
    throw bad(where, `"b64" must be non-empty standard base64 (the PushFrame bytes)`);
  }
  if (conn !== undefined && (typeof conn !== 'number' || !Number.isInteger(conn) || conn < 1)) {
    throw bad(where, `"conn" must be a positive integer, got ${JSON.stringify(conn)}`);
  }
  return { dir, t, conn: (conn as number | undefined) ?? 1, bytes: new Uint8Array(Buffer.from(b64, 'base64')) };
}

function bad(where: string, problem: string): DouyinLiveError {
  return new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `${where}: ${problem}`, { where });
}

/**
 * Reads the frame log at `input` line by line (streaming) and writes the recording `output`: an `open` record
 * for each connection when its first frame comes, then every frame at its time, then the end record. Blank lines
 * are skipped; any other bad line stops the import with an `INVALID_ARGUMENT` error naming its line number (the
 * partial output is then closed with reason `error`).
 */
export async function importFrames(
  input: string,
  output: string,
  options: ImportFramesOptions = {},
): Promise<RecorderStats> {
  const lines = createInterface({ input: createReadStream(input), crlfDelay: Infinity });
  let recorder: ReturnType<typeof createRecorder> | undefined;
  let now = 0;
  let origin: number | undefined;
  let lastT = -Infinity;
  const opened = new Set<number>();
  let lineNo = 0;
  try {
    for await (const text of lines) {
      lineNo++;
      if (text.trim() === '') continue;
      const where = `${input}:${lineNo}`;
      const line = parseFrameLogLine(text, where);
      if (line.t < lastT) throw bad(where, `"t" goes back in time (${line.t} after ${lastT})`);
      lastT = line.t;
      origin ??= line.t >= EPOCH_MS_THRESHOLD ? 0 : (options.startedAt ?? 0);
      now = origin + line.t;
      recorder ??= createRecorder(output, { room: options.room, now: () => now, schemaHash: 'unknown' });
      if (!opened.has(line.conn)) {
        opened.add(line.conn);
        // The log has no URL: replays then skip the resume check for this connection.
        recorder.write({ direction: 'open', connection: line.conn, at: now, url: '', headers: {} });
      }
      recorder.write({ direction: line.dir, connection: line.conn, at: now, bytes: line.bytes });
    }
  } catch (error) {
    lines.close();
    await recorder?.end('error').catch(() => undefined);
    throw error;
  }
  if (recorder === undefined) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `${input}: no frames (the file is empty)`, {});
  }
  return recorder.end('end');
}
