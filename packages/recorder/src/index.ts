/**
 * `@douyin-live/recorder`: records every raw frame of a Douyin live session (inbound frames, the acks and
 * heartbeats sent back, connection opens, closes and errors) to a crash-safe, append-only `.dyrec` file of
 * standard MessagePack values, and reads it back. Format: `docs/recording-format.md`.
 */

// Writing
export {
  createRecorder,
  DEFAULT_RECORDER_OPTIONS,
  resolveRecorderOptions,
  type Recorder,
  type RecorderOptions,
  type RecorderStats,
  type ResolvedRecorderOptions,
} from './createRecorder.js';
export {
  recordFrames,
  recordSession,
  roomOf,
  type RecordableSession,
  type SessionRecording,
  type SessionRoomLike,
} from './recordFrames.js';

// Reading
export { DEFAULT_RECORDING_READER_OPTIONS, RecordingReader, type RecordingReaderOptions } from './RecordingReader.js';

// Format
export { defaultSchemaHash, FORMAT_NAME, FORMAT_VERSION, partPath, RECORDER_VERSION } from './format.js';
export type {
  CloseRecord,
  EndRecord,
  ErrorRecord,
  FrameRecord,
  HeaderRecord,
  OpenConnection,
  OpenRecord,
  RawFrameEvent,
  RecordedAnchor,
  RecordedRoom,
  RecordingRecord,
  TruncatedRecord,
} from './types.js';

// Privacy
export { Pseudonymiser, type PseudonymiserStats } from './pseudonymise.js';
export { REDACTED, scrubHeaders, scrubText, scrubUrl, SECRET_HEADERS, SECRET_QUERY_PARAMS } from './redact.js';
