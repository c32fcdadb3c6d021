/**
 * `@douyin-live/core`: a Douyin live room as RxJS Observables. Raw frames go through one pipeline
 * (frames → responses → typed messages, acking as a side effect) shared by live sessions, the recorder and
 * replay.
 */

// Errors
export { DouyinLiveError, ErrorCodes, isDouyinLiveError, type ErrorCode, type ErrorContext } from './errors.js';

// Protocol constants
export { CONTROL_ACTION_LIVE_END, FrameHeader, HEARTBEAT_FRAME, isGzip, PayloadType } from './protocol/constants.js';

// The pipeline, one operator per stage
export { ackFor, ackWith, type SendFn } from './pipeline/ackWith.js';
export { decodeFrame, decodeFrames } from './pipeline/decodeFrames.js';
export { decodeMessages } from './pipeline/decodeMessages.js';
export { liveEnvelopes, livePipeline, type LivePipelineOptions } from './pipeline/livePipeline.js';
export { inflaterInUse, type InflaterInUse } from './pipeline/inflate.js';
export { isMethod, ofMethod, type MethodFilterInput } from './pipeline/ofMethod.js';
export { envelopesOf, toMessages } from './pipeline/toMessages.js';
export {
  isDecodeFailure,
  type DecodedFrame,
  type DecodeFailure,
  type DecodeStage,
  type InboundResponse,
} from './pipeline/types.js';
export { unpackResponse, unpackResponses } from './pipeline/unpackResponses.js';

// Messages
export { decodeEnvelope, isKnownMethod, MessageEnvelope } from './messages/envelope.js';
export { ANONYMOUS_USER_ID, isMaskedUser, toUser } from './messages/user.js';
export { messageToJson, toJsonLine } from './messages/json.js';
export { kindOfMethod, MESSAGE_KINDS, methodFilter } from './messages/kinds.js';
export type {
  ChatMessage,
  ControlMessage,
  EmojiChatMessage,
  FansclubMessage,
  FriendlyMessageMap,
  GenericMessage,
  GiftInfo,
  GiftMessage,
  KnownMessage,
  KnownMethod,
  LikeMessage,
  LiveMessage,
  MemberMessage,
  MessageBase,
  MessageMap,
  RankEntry,
  RoomMessage,
  RoomRankMessage,
  RoomStatsMessage,
  RoomUserSeqMessage,
  ScreenChatMessage,
  SocialKind,
  SocialMessage,
  UnknownMessage,
  UpdateFanTicketMessage,
  User,
} from './messages/types.js';

// The live session
export { connectLiveSession } from './session/session.js';
export { messageStreams, STREAM_METHODS, type MessageStreams } from './session/messageStreams.js';
export {
  DEFAULT_ENDPOINTS,
  DEFAULT_SESSION_OPTIONS,
  resolveSessionOptions,
  type BeforeRequestHook,
  type Endpoints,
  type HttpRequestInfo,
  type LiveSessionOptions,
  type ReconnectPolicy,
  type ResolvedSessionOptions,
  type RoomInput,
  type WaitUntilLiveOptions,
} from './session/options.js';
export { decideOnClose, reconnectDelay, type CloseDecision } from './session/reconnect.js';
export { parseRoomInput, type Resolution, type RoomInfo } from './session/resolveRoom.js';
export type {
  GapEvent,
  LiveSession,
  RawFrameEvent,
  ResumeState,
  SessionOutcome,
  SessionState,
  SessionStats,
} from './session/types.js';

// Many rooms in one process
export { connectRooms, roomKeyOf } from './rooms/pool.js';
export { ofPoolMethod } from './rooms/ofPoolMethod.js';
export { DEFAULT_ROOM_POOL_OPTIONS, type RoomPoolOptions } from './rooms/options.js';
export {
  createRequestLimiter,
  DEFAULT_REQUEST_LIMITER_OPTIONS,
  type RequestLimiter,
  type RequestLimiterOptions,
  type RequestLimiterStats,
} from './rooms/requestLimiter.js';
export { createJoinGate, type JoinGate, type ReleaseJoinSlot } from './rooms/joinGate.js';
export type {
  PoolError,
  PoolMessage,
  PoolRoom,
  PoolRoomOptions,
  PoolRoomState,
  PoolStateEvent,
  RoomPool,
  RoomPoolStats,
} from './rooms/types.js';

// Room resolution and the push URL (§1–§2 of the protocol sheet)
export {
  ENTER_STATUS_NOT_FOUND,
  parseEnterResponse,
  parseRoomPage,
  ROOM_STATUS_ENDED,
  ROOM_STATUS_LIVE,
  type EnterFailure,
  type EnterResult,
  type EnterRoom,
  type RoomAnchor,
  type RoomPageFound,
  type RoomPageNotFound,
  type RoomPageResult,
  type StreamUrls,
} from './room/parseRoomPage.js';
export {
  AID,
  buildEnterQuery,
  buildImFetchQuery,
  buildPushQuery,
  buildPushUrl,
  DEFAULT_BROWSER_PROFILE,
  DEFAULT_PUSH_HOSTS,
  DEFAULT_WEBCAST_SDK_VERSION,
  ENTER_PATH,
  IM_FETCH_PATH,
  LIVE_ORIGIN,
  PUSH_PATH,
  pushQueryObject,
  pushServerFromFetch,
  randomMsToken,
  VERSION_CODE,
  type BrowserProfile,
  type PushQueryInput,
} from './room/pushParams.js';

// The push URL signature (§3)
export { nativeSigner, signatureStub, signStub, type SignatureEntropy, type Signer } from './signature/index.js';

// Bot operators
export {
  commands,
  dedupe,
  DEFAULT_COMMANDS_OPTIONS,
  DEFAULT_DEDUPE_OPTIONS,
  DEFAULT_FIRST_TIME_CHATTERS_OPTIONS,
  DEFAULT_GIFT_COMBOS_OPTIONS,
  DEFAULT_LEADERBOARD_OPTIONS,
  DEFAULT_LIKE_BURSTS_OPTIONS,
  DEFAULT_PER_USER_COOLDOWN_OPTIONS,
  DEFAULT_VIEWER_COUNT_OPTIONS,
  firstTimeChatters,
  giftCombos,
  giftCountOf,
  leaderboard,
  likeBursts,
  parseCommand,
  perUserCooldown,
  rateLimit,
  splitArgs,
  viewerCount,
  viewersOf,
  type ChatCommand,
  type CommandsOptions,
  type DedupeOptions,
  type FirstTimeChattersOptions,
  type GiftComboEnd,
  type GiftComboEndReason,
  type GiftComboEvent,
  type GiftComboEventBase,
  type GiftComboProgress,
  type GiftComboStart,
  type GiftCombosOptions,
  type LeaderboardEntry,
  type LeaderboardOptions,
  type LikeBurst,
  type LikeBurstsOptions,
  type PerUserCooldownOptions,
  type RateLimitOptions,
  type ViewerCountOptions,
  type ViewerCountSource,
} from './operators/index.js';

// Wire level (generated from proto/douyin.proto)
export { methodTypes, type MethodWireMap } from './gen/douyin.js';
export type * as wire from './gen/douyin.js';
export { decodeWire, encodeWire, type WireTypeName } from './wire/codec.js';
export type { MessageInit } from './wire/init.js';
export { WireFormatError } from './wire/reader.js';

// Diagnosing a join stage by stage (`douyin-live doctor`), and which join failures are worth retrying
export { diagnoseRoom } from './diagnose/diagnoseRoom.js';
export { DIAGNOSIS_HINTS } from './diagnose/hints.js';
export {
  DEFAULT_DIAGNOSE_OPTIONS,
  resolveDiagnoseOptions,
  type DiagnoseOptions,
  type ResolvedDiagnoseOptions,
} from './diagnose/options.js';
export {
  DIAGNOSIS_STAGES,
  type DiagnosisEvent,
  type DiagnosisStage,
  type DiagnosisStageName,
  type DiagnosisVerdict,
  type StageFact,
  type StageStatus,
} from './diagnose/types.js';
export { isTransientHttpFailure } from './session/http.js';
