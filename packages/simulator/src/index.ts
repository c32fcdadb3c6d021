/**
 * `@douyin-live/simulator`: a local stand-in for Douyin's live servers (room pages, web/enter, im/fetch and
 * the signed push WebSocket), with seeded scenarios, resume, guest masking and fault injection, for tests, demos
 * and bot development. It checks handshake signatures with its own code (`verifySignature`), not the client's.
 */
export { startSimulator, type Simulator, type SimulatorRoomInfo } from './server.js';
export {
  DEFAULT_ROOM_OPTIONS,
  DEFAULT_SIMULATOR_OPTIONS,
  resolveSimulatorOptions,
  type AnchorOptions,
  type LiveStart,
  type ResolvedSimulatorOptions,
  type RoomOptions,
  type RoomPageFormat,
  type SimulatorOptions,
} from './options.js';
export {
  DEFAULT_SCENARIO_SOURCE_OPTIONS,
  formatCount,
  scenarioSource,
  type ScenarioSourceOptions,
} from './scenario.js';
export {
  batchSource,
  isFrameBatch,
  type FrameBatch,
  type MessageBatch,
  type SimulatorSource,
  type SimulatorSourceFactory,
  type SourceBatch,
  type SourceContext,
} from './source.js';
export type { TimelineEntry } from './timeline.js';
export type {
  AckRecord,
  CloseCause,
  ConnectionRecord,
  RejectedHandshake,
  SentFrameKind,
  SentMessage,
  SimulatorStats,
} from './stats.js';
export { encodeCursor, parseCursorSeq } from './cursor.js';
export { maskNickname } from './guests.js';
export { mulberry32, type Random } from './random.js';
export { EMPTY_GZIP_BODY, GARBAGE_FRAME } from './frames.js';
export {
  FIRST_SIMULATED_ROOM_ID,
  FIRST_SIMULATED_WEB_RID,
  simulatedRooms,
  type SimulatedRoomsOptions,
} from './manyRooms.js';
export { signatureStubOf, verifySignature, type SignatureCheck } from './signature.js';
