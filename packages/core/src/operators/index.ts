/**
 * Operators for bots: count gift streaks once, drop duplicates, parse commands, pace replies, fold likes,
 * follow the audience and rank gifters. Each works on the typed messages of `livePipeline()` + `ofMethod()`.
 */
export {
  commands,
  DEFAULT_COMMANDS_OPTIONS,
  parseCommand,
  splitArgs,
  type ChatCommand,
  type CommandsOptions,
} from './commands.js';
export { dedupe, DEFAULT_DEDUPE_OPTIONS, type DedupeOptions } from './dedupe.js';
export {
  firstTimeChatters,
  DEFAULT_FIRST_TIME_CHATTERS_OPTIONS,
  type FirstTimeChattersOptions,
} from './firstTimeChatters.js';
export {
  DEFAULT_GIFT_COMBOS_OPTIONS,
  giftCombos,
  giftCountOf,
  type GiftComboEnd,
  type GiftComboEndReason,
  type GiftComboEvent,
  type GiftComboEventBase,
  type GiftComboProgress,
  type GiftComboStart,
  type GiftCombosOptions,
} from './giftCombos.js';
export {
  DEFAULT_LEADERBOARD_OPTIONS,
  leaderboard,
  type LeaderboardEntry,
  type LeaderboardOptions,
} from './leaderboard.js';
export { DEFAULT_LIKE_BURSTS_OPTIONS, likeBursts, type LikeBurst, type LikeBurstsOptions } from './likeBursts.js';
export { DEFAULT_PER_USER_COOLDOWN_OPTIONS, perUserCooldown, type PerUserCooldownOptions } from './perUserCooldown.js';
export { rateLimit, type RateLimitOptions } from './rateLimit.js';
export {
  DEFAULT_VIEWER_COUNT_OPTIONS,
  viewerCount,
  viewersOf,
  type ViewerCountOptions,
  type ViewerCountSource,
} from './viewerCount.js';
