/**
 * `@douyin-live/testing`: build messages, Responses and frames from data, write a session as data with
 * `scenario()`, run it on virtual time with `createTestScheduler()`, and render the room pages and web/enter
 * answers Douyin serves; for bot tests, the simulator and fixtures. A development dependency: the SDK
 * (`@douyin-live/core`) never imports it.
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
export { decodeWire, encodeWire, type WireTypeName } from '@douyin-live/core';
export type { MessageInit } from '@douyin-live/core';
export {
  DEFAULT_SCENARIO_OPTIONS,
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
export {
  DEFAULT_ROOM_FIXTURE,
  renderEnterJson,
  renderEnterNotFoundJson,
  renderEnterRiskJson,
  renderPacePage,
  renderRenderDataPage,
  renderRiskControlPage,
  type RiskControlPageKind,
  type RoomFixtureInput,
} from './pageFixtures.js';
