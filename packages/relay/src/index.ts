/**
 * `@douyin-live/relay`: Douyin live rooms relayed to any language over WebSocket and Server-Sent Events, with a
 * dashboard and OBS overlays, safe by default (loopback, tokens, origin checks, bounded per-client buffers).
 */
export { startRelay, type Relay, type RelayStats } from './server.js';
export {
  DEFAULT_RELAY_OPTIONS,
  isLoopbackHost,
  resolveRelayOptions,
  type RelayOptions,
  type ResolvedRelayOptions,
} from './options.js';
export { relayFeed, type RelayFeed, type RelaySession, type RelaySources } from './sources.js';
export {
  DERIVED_KINDS,
  type DerivedKind,
  type RelayAudienceEvent,
  type RelayComboEvent,
  type RelayErrorEvent,
  type RelayEvent,
  type RelayLeaderboardEvent,
  type RelayMessageEvent,
  type RelayResumeGapEvent,
  type RelayStateEvent,
  type RelayUser,
} from './events.js';
export { OVERLAY_THEMES, parseEventFilter, parseOverlayQuery, type EventFilter, type OverlayQuery } from './query.js';
export { CLOSE_GOING_AWAY, CLOSE_TRY_AGAIN_LATER } from './clients.js';
export type { RelayRoomSummary } from './room.js';
export { RELAY_PAGES, type RelayPage } from './pages/index.js';
