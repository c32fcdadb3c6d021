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
export {
  DefaultScenarioOptions,
  parseDuration,
  playFrames,
  scenario,
  type Duration,
  type PlayFramesOptions,
  type Scenario,
  type ScenarioBatch,
  type ScenarioFrame,
  type ScenarioGiftOptions,
  type ScenarioGiftStreak,
  type ScenarioMessage,
  type ScenarioOptions,
  type ScenarioSource,
  type TimedFrame,
} from './scenario.js';
export { createTestScheduler, expectDeepEqual, type AssertDeepEqual } from './testScheduler.js';
