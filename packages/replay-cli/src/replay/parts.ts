/**
 * Reads a recording record by record across its parts: `session.dyrec`, then `session.1.dyrec`, ... as each
 * part's `rotate` end record names the next. Streaming: one part open at a time, one chunk in memory.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import { RecordingReader, type RecordingReaderOptions, type RecordingRecord } from '@douyin-live/recorder';

/** A record with the part file it came from. */
export interface PartRecord {
  readonly record: RecordingRecord;
  /** The part being read. */
  readonly path: string;
}

/** Options of {@link readRecording}. */
export interface ReadRecordingOptions {
  /** Continue into the next part after a `rotate` end record. */
  readonly followParts: boolean;
  /** Options of each part's reader. */
  readonly reader: RecordingReaderOptions;
  /** Called when the next part a `rotate` record names does not exist (the records then end there). */
  readonly onMissingPart?: ((error: DouyinLiveError) => void) | undefined;
}

/**
 * Every record of a recording, starting at `path`: the header of each part, then its records. A `rotate` end
 * record is followed into the next part (whose header comes next) when `followParts` is set.
 * @throws DouyinLiveError `RECORDING_INVALID` from the reader (not a recording, corrupt data).
 */
export async function* readRecording(path: string, options: ReadRecordingOptions): AsyncGenerator<PartRecord> {
  let current: string | undefined = path;
  while (current !== undefined) {
    const part: string = current;
    current = undefined;
    for await (const record of new RecordingReader(part, options.reader)) {
      yield { record, path: part };
      if (record.kind === 'end' && record.reason === 'rotate' && record.next !== undefined && options.followParts) {
        // `next` is a bare file name, next to the part that names it.
        const next = join(dirname(part), record.next);
        if (existsSync(next)) current = next;
        else
          options.onMissingPart?.(
            new DouyinLiveError(
              ErrorCodes.RECORDING_INVALID,
              `${part} continues in ${record.next}, which does not exist: replayed up to the end of ${part}`,
              { path: next },
            ),
          );
      }
    }
  }
}
