/**
 * The seeded scenario: a {@link SimulatorSource} that makes up a plausible live room (chat, gift combo streaks,
 * likes, viewers entering, follows, shares and viewer stats) at configurable rates. The same seed gives the same
 * messages, whatever the wall clock does.
 */
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import type { BuiltMessage, UserSpec } from '@douyin-live/testing';
import { definedOnly } from './merge.js';
import { countFor, mulberry32, pick, randomInt, type Random } from './random.js';
import type { MessageBatch, SimulatorSource, SourceContext } from './source.js';

/** Options of {@link scenarioSource}. Rates are mean events per second of source time. */
export interface ScenarioSourceOptions {
  /** PRNG seed. @defaultValue `1` */
  readonly seed?: number | undefined;
  /** Source time between two batches, in ms (one batch = one frame). @defaultValue `250` */
  readonly tickMs?: number | undefined;
  /** Chat messages per second. @defaultValue `2` */
  readonly chatPerSecond?: number | undefined;
  /** New gift sends per second; combo gifts then run a streak of several messages. @defaultValue `0.3` */
  readonly giftPerSecond?: number | undefined;
  /** Like messages per second. @defaultValue `1` */
  readonly likePerSecond?: number | undefined;
  /** Viewers entering per second. @defaultValue `1` */
  readonly memberPerSecond?: number | undefined;
  /** Follows per second. @defaultValue `0.1` */
  readonly followPerSecond?: number | undefined;
  /** Shares per second. @defaultValue `0.05` */
  readonly sharePerSecond?: number | undefined;
  /** Interval of viewer stats (RoomUserSeq + RoomStats), in ms of source time; 0 disables them. @defaultValue `2_000` */
  readonly statsIntervalMs?: number | undefined;
  /** Longest combo streak (repeat_count of its last message). @defaultValue `8` */
  readonly maxCombo?: number | undefined;
  /** Viewers online at the start. @defaultValue `1_200` */
  readonly viewers?: number | undefined;
  /** End the live after this much source time, in ms. @defaultValue `undefined` (runs until closed) */
  readonly durationMs?: number | undefined;
  /** End the live after this many generated messages (history not counted). @defaultValue `undefined` */
  readonly messageLimit?: number | undefined;
  /** Chat messages already in the room before the start (the first history batch). @defaultValue `3` */
  readonly historyMessages?: number | undefined;
  /** Viewer nicknames to draw from. @defaultValue a built-in list */
  readonly nicknames?: readonly string[] | undefined;
  /** Chat lines to draw from. @defaultValue a built-in list */
  readonly chatLines?: readonly string[] | undefined;
}

/** A gift the scenario sends. */
interface ScenarioGift {
  readonly id: string;
  readonly name: string;
  readonly diamondCount: number;
  readonly combo: boolean;
}

const GIFTS: readonly ScenarioGift[] = [
  { id: '463', name: '小心心', diamondCount: 1, combo: true },
  { id: '2002', name: '玫瑰', diamondCount: 1, combo: true },
  { id: '3389', name: '人气票', diamondCount: 1, combo: true },
  { id: '4234', name: '加油鸭', diamondCount: 15, combo: true },
  { id: '685', name: '粉丝团灯牌', diamondCount: 1, combo: false },
  { id: '3242', name: '嘉年华', diamondCount: 3000, combo: false },
];

/** Defaults of {@link ScenarioSourceOptions}. */
export const DEFAULT_SCENARIO_SOURCE_OPTIONS = {
  seed: 1,
  tickMs: 250,
  chatPerSecond: 2,
  giftPerSecond: 0.3,
  likePerSecond: 1,
  memberPerSecond: 1,
  followPerSecond: 0.1,
  sharePerSecond: 0.05,
  statsIntervalMs: 2_000,
  maxCombo: 8,
  viewers: 1_200,
  durationMs: undefined,
  messageLimit: undefined,
  historyMessages: 3,
  nicknames: [
    '小明',
    '阿花',
    '老王',
    '星星点灯',
    '一只小猫咪',
    '夜空中最亮的星',
    '快乐小土豆',
    '清风徐来',
    '大白兔',
    '追光者',
    '南山南',
    '柠檬不酸',
  ],
  chatLines: [
    '主播好！',
    '来了来了',
    '666',
    '这个好看',
    '主播唱首歌吧',
    '哈哈哈哈',
    '第一次来，关注了',
    '晚上好大家',
    '支持主播',
    '声音好好听',
    '多少钱？',
    '点赞点赞',
  ],
} as const satisfies Required<ScenarioSourceOptions>;

/** An unfinished combo streak. */
interface Streak {
  readonly user: UserSpec;
  readonly gift: ScenarioGift;
  readonly groupId: string;
  readonly target: number;
  count: number;
}

/** Creates the seeded scenario source for a room. */
export function scenarioSource(options: ScenarioSourceOptions, context: SourceContext): SimulatorSource {
  const o = resolveScenarioOptions(options);
  const random: Random = mulberry32(o.seed);
  const f = context.factory;
  const user = (): UserSpec => {
    const nickname = pick(random, o.nicknames);
    // The pay level is a function of the name, so a viewer keeps it all session.
    return { nickname, payLevel: (nickname.length * 7) % 40 };
  };
  const streaks: Streak[] = [];
  let tick = 0;
  let generated = 0;
  let viewers = o.viewers;
  let totalUsers = o.viewers * 8;
  let likes = 0;
  let followers = 10_000 + randomInt(random, 0, 5_000);
  let nextGroup = BigInt(context.roomId) % 1_000_000_000n;
  let nextStatsAt = o.statsIntervalMs;
  let ended = false;

  const giftMessage = (streak: Streak): BuiltMessage =>
    f.gift({
      user: streak.user,
      giftId: streak.gift.id,
      name: streak.gift.name,
      diamondCount: streak.gift.diamondCount,
      combo: streak.gift.combo,
      repeatCount: streak.count,
      comboCount: streak.count,
      groupId: streak.groupId,
      repeatEnd: streak.count >= streak.target,
      totalCount: streak.count,
    });

  const step = (atMs: number): BuiltMessage[] => {
    const seconds = o.tickMs / 1000;
    const out: BuiltMessage[] = [];
    // Running streaks grow first: each is pushed again with a larger repeat_count, the last with repeat_end=1.
    for (let k = 0; k < streaks.length; k++) {
      const s = streaks[k] as Streak;
      s.count = Math.min(s.target, s.count + randomInt(random, 1, 2));
      out.push(giftMessage(s));
      if (s.count >= s.target) streaks.splice(k--, 1);
    }
    for (let n = countFor(random, o.memberPerSecond * seconds); n > 0; n--) {
      viewers += 1;
      out.push(f.member(user(), viewers));
    }
    for (let n = countFor(random, o.chatPerSecond * seconds); n > 0; n--) {
      out.push(f.chat(user(), pick(random, o.chatLines)));
    }
    for (let n = countFor(random, o.giftPerSecond * seconds); n > 0; n--) {
      const gift = pick(random, GIFTS);
      nextGroup += 1n;
      const streak: Streak = {
        user: user(),
        gift,
        groupId: String(1_700_000_000_000n + nextGroup),
        target: gift.combo ? randomInt(random, 1, o.maxCombo) : 1,
        count: 1,
      };
      out.push(giftMessage(streak));
      if (streak.count < streak.target) streaks.push(streak);
    }
    for (let n = countFor(random, o.likePerSecond * seconds); n > 0; n--) {
      const count = randomInt(random, 1, 15);
      likes += count;
      out.push(f.like(user(), count, likes));
    }
    for (let n = countFor(random, o.followPerSecond * seconds); n > 0; n--) {
      followers += 1;
      out.push(f.follow(user(), followers));
    }
    for (let n = countFor(random, o.sharePerSecond * seconds); n > 0; n--) out.push(f.share(user()));
    if (o.statsIntervalMs > 0 && atMs >= nextStatsAt) {
      nextStatsAt += o.statsIntervalMs;
      viewers = Math.max(1, viewers + randomInt(random, -20, 20));
      totalUsers += randomInt(random, 0, 50);
      out.push(f.viewers(viewers, totalUsers), f.roomStats(formatCount(viewers), viewers));
    }
    return out;
  };

  // Ticks that produce nothing are skipped; a bound keeps an all-zero-rate scenario from spinning forever.
  const MAX_EMPTY_TICKS = 1_000;
  return {
    history: () => Array.from({ length: o.historyMessages }, () => f.chat(user(), pick(random, o.chatLines))),
    next: (): MessageBatch | undefined => {
      if (ended) return undefined;
      for (let empty = 0; ; empty++) {
        tick += 1;
        const atMs = tick * o.tickMs;
        if (o.durationMs !== undefined && atMs > o.durationMs) {
          ended = true;
          return undefined;
        }
        let messages = step(atMs);
        if (o.messageLimit !== undefined && generated + messages.length >= o.messageLimit) {
          messages = messages.slice(0, o.messageLimit - generated);
          ended = true;
        }
        generated += messages.length;
        if (messages.length > 0 || ended || empty >= MAX_EMPTY_TICKS) return { atMs, messages };
      }
    },
  };
}

/** Viewer counts the way Douyin displays them (`1.2万` above 10 000). */
export function formatCount(count: number): string {
  return count >= 10_000 ? `${(count / 10_000).toFixed(1)}万` : String(count);
}

/** Merges scenario options with {@link DEFAULT_SCENARIO_SOURCE_OPTIONS} (the one merge) and validates them. */
function resolveScenarioOptions(options: ScenarioSourceOptions) {
  const o = { ...DEFAULT_SCENARIO_SOURCE_OPTIONS, ...definedOnly(options) };
  if (!Number.isInteger(o.tickMs) || o.tickMs < 1) invalid('tickMs must be a positive integer', { tickMs: o.tickMs });
  for (const key of [
    'chatPerSecond',
    'giftPerSecond',
    'likePerSecond',
    'memberPerSecond',
    'followPerSecond',
    'sharePerSecond',
    'statsIntervalMs',
    'viewers',
    'historyMessages',
  ] as const) {
    if (!(o[key] >= 0) || !Number.isFinite(o[key])) invalid(`${key} must be a non-negative number`, { [key]: o[key] });
  }
  if (!Number.isInteger(o.maxCombo) || o.maxCombo < 1) invalid('maxCombo must be at least 1', { maxCombo: o.maxCombo });
  if (o.messageLimit !== undefined && !(o.messageLimit >= 0)) {
    invalid('messageLimit must be non-negative', { messageLimit: o.messageLimit });
  }
  if (o.durationMs !== undefined && !(o.durationMs >= 0)) {
    invalid('durationMs must be non-negative', { durationMs: o.durationMs });
  }
  if (o.nicknames.length === 0 || o.chatLines.length === 0) invalid('nicknames and chatLines must not be empty', {});
  return o;
}

function invalid(message: string, context: Record<string, unknown>): never {
  throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `scenario: ${message}`, context);
}
