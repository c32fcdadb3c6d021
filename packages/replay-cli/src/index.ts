/** `@douyin-live/replay-cli`: the `douyin-live` command, usable as a library for tests and scripts. */
export { runCli } from './cli.js';
export { processContext, type CliContext } from './context.js';
export { decodeInput, readInput, type DecodeArgs, type DecodeLayer, type DecodeResult } from './commands/decode.js';
export { formatMessage, palette, type Palette } from './format/pretty.js';

// Replay: recordings through the live pipeline, offline
export { replaySession, type ReplaySession } from './replay/replaySession.js';
export {
  DEFAULT_REPLAY_OPTIONS,
  parseOffset,
  parseSpeed,
  resolveReplayOptions,
  type ReplayOffset,
  type ReplayOptions,
  type ReplaySpeed,
  type ResolvedReplayOptions,
} from './replay/options.js';
export { isVirtualScheduler, playbackClock, type PlaybackClock, type VirtualSchedulerLike } from './replay/clock.js';
export { AckChecker, type AckCheck, type AckCheckResult, type AckCounts, type AckReport } from './replay/acks.js';
export { readRecording, type PartRecord, type ReadRecordingOptions } from './replay/parts.js';
export {
  changedFields,
  diffGolden,
  formatGoldenDiff,
  goldenLines,
  readGolden,
  withoutRaw,
  type GoldenDiff,
  type GoldenHunk,
} from './replay/golden.js';
export { verifyRecording, type VerifyResult } from './commands/verify.js';
export { inspectRecording, type ConnectionSummary, type RecordingSummary } from './replay/inspect.js';
export { importFrames, parseFrameLogLine, type FrameLogLine, type ImportFramesOptions } from './replay/importFrames.js';
export { CSV_COLUMNS, csvCells, csvField, csvHeader, csvRow } from './format/csv.js';
export { recordingSource, type RecordingSource, type RecordingSourceOptions } from './replay/recordingSource.js';
