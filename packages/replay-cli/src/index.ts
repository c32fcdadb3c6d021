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

// Danmaku: comments as scrolling ASS subtitles or SRT cues (`douyin-live export --format ass|srt`)
export {
  assDialogue,
  assHeader,
  assTime,
  DanmakuLanes,
  danmakuCommentOf,
  danmakuCommentOfCombo,
  danmakuEncoder,
  danmakuLine,
  escapeAssText,
  escapeSrtText,
  estimateTextWidth,
  srtCue,
  srtTime,
  toAss,
  toSrt,
  type DanmakuComment,
  type DanmakuEncoder,
  type DanmakuPlacement,
  type DanmakuStats,
  type DanmakuStyle,
} from './replay/danmaku.js';
export {
  DEFAULT_DANMAKU_OPTIONS,
  parseResolution,
  parseSignedDuration,
  resolveDanmakuOptions,
  type DanmakuNicknames,
  type DanmakuOptions,
  type DanmakuOverflow,
  type ResolvedDanmakuOptions,
} from './replay/danmakuOptions.js';
export { danmakuOptionsFromArgs, describeDanmakuStats, parseVideoStart } from './commands/export.js';

// Relay: `douyin-live relay` and the looping replay it relays recordings with
export { recordingKey, relayBanner, type RelayArgs } from './commands/relay.js';
export { loopReplay, type LoopingReplay } from './replay/loopReplay.js';
