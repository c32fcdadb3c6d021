// Shared by the replay tests: recordings written from raw frame events, fixture paths, and (re-exported) the
// CLI test context every CLI test uses.
import { join } from 'node:path';
import { createRecorder, type RawFrameEvent, type RecordedRoom, type RecorderOptions } from '@douyin-live/recorder';

/** The repository's fixture recordings (made by scripts/make-fixtures.mjs). */
export const FIXTURES = ['busy-room', 'quiet-room', 'faulty-room'] as const;

/** Path of a fixture file, e.g. `fixture('busy-room', '.dyrec')`. */
export function fixture(name: (typeof FIXTURES)[number], ext = '.dyrec'): string {
  return join(__dirname, '..', '..', 'fixtures', `${name}${ext}`);
}

/** The room written into test recordings. */
export const ROOM: RecordedRoom = { webRid: '261378947940', roomId: '7400000000000000001', title: '测试直播间' };

/** Writes `events` to a recording at `path` (the clock starts at the first event) and closes it. */
export async function writeRecording(
  path: string,
  events: readonly RawFrameEvent[],
  options: RecorderOptions = {},
): Promise<void> {
  let now = events[0]?.at ?? 1_700_000_000_000;
  const recorder = createRecorder(path, { room: ROOM, schemaHash: 'unknown', now: () => now, ...options });
  for (const event of events) {
    now = event.at;
    recorder.write(event);
  }
  await recorder.end();
}

export { testContext } from '../helpers/cliContext.js';
