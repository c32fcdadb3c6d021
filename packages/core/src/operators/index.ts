/**
 * Operators for bots: count gift streaks once, drop duplicates, parse commands, pace replies, fold likes,
 * follow the audience and rank gifters. Each works on the typed messages of `livePipeline()` + `ofMethod()`.
 */
export {
  commands,
  DefaultCommandsOptions,
  parseCommand,
  splitArgs,
  type ChatCommand,
  type CommandsOptions,
} from './commands.js';
export { dedupe, DefaultDedupeOptions, type DedupeOptions } from './dedupe.js';
export {
  firstTimeChatters,
  DefaultFirstTimeChattersOptions,
  type FirstTimeChattersOptions,
} from './firstTimeChatters.js';
export {
  DefaultGiftCombosOptions,
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
  DefaultLeaderboardOptions,
  leaderboard,
  type LeaderboardEntry,
  type LeaderboardOptions,
} from './leaderboard.js';
export { DefaultLikeBurstsOptions, likeBursts, type LikeBurst, type LikeBurstsOptions } from './likeBursts.js';
export { DefaultPerUserCooldownOptions, perUserCooldown, type PerUserCooldownOptions } from './perUserCooldown.js';
export { rateLimit, type RateLimitOptions } from './rateLimit.js';
export {
  DefaultViewerCountOptions,
  viewerCount,
  viewersOf,
  type ViewerCountOptions,
  type ViewerCountSource,
} from './viewerCount.js';
