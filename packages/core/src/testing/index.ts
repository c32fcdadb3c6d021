/**
 * `@douyin-live/core/testing`: build messages, Responses and frames from data, for bot tests, the simulator
 * and fixtures.
 */
export {
  encodeFrame,
  encodeMessagePayload,
  encodeResponse,
  messageFactory,
  userIdFor,
  userInit,
  type BuiltMessage,
  type FrameSpec,
  type GiftSpec,
  type MessageFactory,
  type MessageFactoryOptions,
  type UserSpec,
} from './builders.js';
export { decodeWire, encodeWire, type WireTypeName } from '../wire/codec.js';
export type { MessageInit } from '../wire/init.js';
