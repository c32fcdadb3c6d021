/**
 * Scenarios: a live session written as data (`scenario().chat('alice', '!hi').gift('bob', 'Rose', { combo: 10 })
 * .after('30s').end()`) and turned into the frames a Douyin server would push, with their times. Bot tests,
 * the simulator and fixture recordings all start from the same description.
 */
import { asyncScheduler, Observable, type SchedulerLike } from 'rxjs';
import { DouyinLiveError, ErrorCodes, CONTROL_ACTION_LIVE_END } from '@douyin-live/core';
import { encodeFrame, messageFactory, userIdFor, type BuiltMessage, type UserSpec } from './builders.js';

/** A duration: ms as a number, or text such as `'250ms'`, `'30s'`, `'5m'`, `'1h'`. */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h'}`;

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Converts a {@link Duration} to ms; throws `INVALID_ARGUMENT` for anything else or a negative value. */
export function parseDuration(duration: Duration | string): number {
  const match = typeof duration === 'number' ? undefined : /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(duration);
  const ms = typeof duration === 'number' ? duration : match ? Number(match[1]) * UNIT_MS[match[2]!]! : NaN;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `not a duration: ${String(duration)}`, {
      value: duration,
    });
  }
  return Math.round(ms);
}

/** Options of {@link scenario}. */
export interface ScenarioOptions {
  /**
   * Room id stamped into every message.
   * @defaultValue `'7400000000000000001'`
   */
  readonly roomId?: string | undefined;
  /**
   * Seeds the message ids, log ids and streak group ids, so two scenarios can share a session without
   * colliding ids.
   * @defaultValue `1`
   */
  readonly seed?: number | undefined;
  /**
   * Most messages in one frame; messages due at the same time share frames up to this many.
   * @defaultValue `10`
   */
  readonly messagesPerFrame?: number | undefined;
  /**
   * Wall-clock time of the scenario's start (ms since the epoch), for `create_time` and `Response.now`.
   * @defaultValue `1_700_000_000_000`
   */
  readonly startTime?: number | undefined;
  /**
   * Default time between two messages of a gift streak.
   * @defaultValue `'100ms'`
   */
  readonly comboInterval?: Duration | undefined;
}

/** The defaults of {@link ScenarioOptions}. */
export const DEFAULT_SCENARIO_OPTIONS = {
  roomId: '7400000000000000001',
  seed: 1,
  // The real server batches a handful of messages per push.
  messagesPerFrame: 10,
  startTime: 1_700_000_000_000,
  comboInterval: '100ms',
} as const satisfies { readonly [K in keyof ScenarioOptions]-?: Exclude<ScenarioOptions[K], undefined> };

/** Merges {@link ScenarioOptions} over {@link DEFAULT_SCENARIO_OPTIONS} (the one merge) and validates them. */
function resolveScenarioOptions(options: ScenarioOptions) {
  const merged = { ...DEFAULT_SCENARIO_OPTIONS } as {
    -readonly [K in keyof typeof DEFAULT_SCENARIO_OPTIONS]: Exclude<ScenarioOptions[K], undefined>;
  };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(merged, { [key]: value });
  }
  if (!Number.isInteger(merged.messagesPerFrame) || merged.messagesPerFrame < 1) {
    throw new DouyinLiveError(
      ErrorCodes.INVALID_ARGUMENT,
      `messagesPerFrame must be >= 1, got ${merged.messagesPerFrame}`,
    );
  }
  return { ...merged, comboInterval: parseDuration(merged.comboInterval) };
}

/** How {@link Scenario.gift} sends a gift. */
export interface ScenarioGiftOptions {
  /**
   * Streak length: the gift goes out as this many messages with `repeatCount` 1…n, one shared `groupId` and
   * `repeatEnd` on the last.
   * @defaultValue `1`
   */
  readonly combo?: number | undefined;
  /**
   * Unit price in diamonds (`diamond_count`).
   * @defaultValue `1`
   */
  readonly diamonds?: number | undefined;
  /**
   * Gift id.
   * @defaultValue `'463'` for 小心心 (as captured), else a stable id derived from the name
   */
  readonly giftId?: string | undefined;
  /**
   * Bundle size (`group_count`).
   * @defaultValue `1`
   */
  readonly groupCount?: number | undefined;
  /**
   * Time between the streak's messages.
   * @defaultValue the scenario's `comboInterval`
   */
  readonly interval?: Duration | undefined;
  /**
   * A non-combo gift: one message with `gift.combo` false, group id `'0'` and no `repeat_end`, as Douyin
   * sends them (the captured 粉丝团灯牌).
   * @defaultValue `false`
   */
  readonly single?: boolean | undefined;
  /**
   * Whether the last message carries `repeat_end`; `false` models a lost end marker.
   * @defaultValue `true`
   */
  readonly endMarker?: boolean | undefined;
}

/** One built message and when it is due. */
export interface ScenarioMessage {
  /** Time from the scenario's start, in ms. */
  readonly atMs: number;
  readonly method: string;
  readonly msgId: string;
  readonly message: BuiltMessage;
}

/** A frame's bytes and when to deliver them. */
export interface TimedFrame {
  /** Time from the scenario's start, in ms. */
  readonly atMs: number;
  /** An encoded, gzipped PushFrame. */
  readonly bytes: Uint8Array;
}

/** A {@link TimedFrame} with what went into it: the material for recordings and the simulator. */
export interface ScenarioFrame extends TimedFrame {
  readonly logId: string;
  readonly seqId: string;
  /** The Response's cursor. */
  readonly cursor: string;
  readonly messages: readonly ScenarioMessage[];
}

/** A gift streak as the scenario put it in: what a correct counter must report. */
export interface ScenarioGiftStreak {
  readonly userId: string;
  readonly nickname: string;
  readonly giftId: string;
  readonly giftName: string;
  readonly groupId: string;
  /** Gifts in the streak (combo × bundle size). */
  readonly total: number;
  /** `total` × unit price. */
  readonly diamonds: number;
  readonly endMarker: boolean;
  /** The msgIds of the streak's messages, in order. */
  readonly msgIds: readonly string[];
}

/** Messages due together, pushed in one frame: the shape the simulator's batch source plays. */
export interface ScenarioBatch {
  /** Time from the scenario's start, in ms. */
  readonly atMs: number;
  readonly messages: readonly BuiltMessage[];
}

/** Everything a consumer (the simulator, a recorder) needs to play a scenario. */
export interface ScenarioSource {
  readonly roomId: string;
  /** When the session ends (the last event or the last `after`), in ms from the start. */
  readonly durationMs: number;
  /** The encoded frames, for consumers that push bytes as they are. */
  readonly frames: readonly ScenarioFrame[];
  /** The same content as message batches (one per frame), for consumers that frame messages themselves. */
  readonly batches: readonly ScenarioBatch[];
}

/** A session being written; every method returns the same builder. */
export interface Scenario {
  /** A chat message from `user`. */
  chat(user: UserSpec, content: string): Scenario;
  /** A gift; combo streaks spread over time from the current point (see {@link ScenarioGiftOptions}). */
  gift(user: UserSpec, name: string, options?: ScenarioGiftOptions): Scenario;
  /** One like message with `count` likes (the room total grows with it). */
  like(user: UserSpec, count?: number): Scenario;
  /** A viewer entering. */
  member(user: UserSpec): Scenario;
  /** A follow (SocialMessage action 1). */
  follow(user: UserSpec): Scenario;
  /** A share (SocialMessage action 3). */
  share(user: UserSpec): Scenario;
  /** Viewer statistics: `total` online now (RoomUserSeqMessage). */
  viewers(total: number): Scenario;
  /** Moves time on: events added later are due this much later. */
  after(duration: Duration): Scenario;
  /** The live ends (ControlMessage action 3), after everything already scheduled. */
  end(): Scenario;
  /** The built messages with their times, in delivery order. */
  toMessages(): ScenarioMessage[];
  /** The frames with their times. */
  toFrames(): TimedFrame[];
  /** The frames with their times and contents (the seam for recordings). */
  toTimedFrames(): ScenarioFrame[];
  /** The timed frames plus the room and duration, for the simulator. */
  toSource(): ScenarioSource;
  /** The frames as an Observable: each at its time after subscription, completing at the end of the session. */
  toObservable(scheduler?: SchedulerLike): Observable<Uint8Array>;
  /** The gift streaks put in, with their true totals. */
  toGiftStreaks(): ScenarioGiftStreak[];
}

/** Options of {@link playFrames}. */
export interface PlayFramesOptions {
  /**
   * The clock to play on.
   * @defaultValue `asyncScheduler` (virtual inside `TestScheduler.run`)
   */
  readonly scheduler?: SchedulerLike | undefined;
  /**
   * When to complete, in ms after subscription.
   * @defaultValue the last frame's time
   */
  readonly durationMs?: number | undefined;
}

/**
 * Plays timed frames as an Observable: each frame's bytes at its `atMs` after subscription, in list order for
 * equal times. Edit the list first to inject faults (duplicates, drops, reordering).
 *
 * @example
 * ```ts
 * const frames = scenario().chat('a', 'hi').toFrames();
 * playFrames([...frames, { ...frames[0]!, atMs: 500 }]).pipe(livePipeline()); // a replayed frame
 * ```
 */
export function playFrames(frames: readonly TimedFrame[], options: PlayFramesOptions = {}): Observable<Uint8Array> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const timeline = [...frames].sort((a, b) => a.atMs - b.atMs);
  const durationMs = options.durationMs ?? timeline.at(-1)?.atMs ?? 0;
  return new Observable<Uint8Array>((subscriber) => {
    const start = scheduler.now();
    let i = 0;
    // One action walks the timeline, so frames due at the same time keep their order.
    return scheduler.schedule(function step() {
      const elapsed = scheduler.now() - start;
      while (i < timeline.length && timeline[i]!.atMs <= elapsed) subscriber.next(timeline[i++]!.bytes);
      const next = i < timeline.length ? timeline[i]!.atMs : Math.max(durationMs, elapsed);
      if (i >= timeline.length && elapsed >= durationMs) subscriber.complete();
      else this.schedule(undefined, next - elapsed);
    });
  });
}

/** A stable pseudo gift id for a name not in the captured data. */
function giftIdFor(name: string): string {
  if (name === '小心心') return '463';
  return String(10_000 + (Number(BigInt(userIdFor(name)) % 90_000n) | 0));
}

const nicknameOf = (user: UserSpec): string => (typeof user === 'string' ? user : user.nickname);
const userIdOf = (user: UserSpec): string =>
  typeof user === 'string' ? userIdFor(user) : (user.id ?? userIdFor(user.nickname));

/**
 * Starts a scenario: a session written as data and built into timed frames.
 *
 * @example
 * ```ts
 * const frames = scenario().chat('alice', '!hello').gift('bob', 'Rose', { combo: 10 }).after('30s').end().toFrames();
 * ```
 */
export function scenario(options: ScenarioOptions = {}): Scenario {
  const { roomId, seed, messagesPerFrame: perFrame, startTime, comboInterval } = resolveScenarioOptions(options);

  // `at` is read by the factory's clock, so every message's create_time is its due time.
  let at = 0;
  let cursor = 0;
  // Room-level counters that real messages carry as snapshots.
  let likeTotal = 0;
  let online = 0;
  let totalUser = 0;
  let followers = 1_000;
  let streakNo = 0;
  const factory = messageFactory({
    roomId,
    firstMsgId: 7_400_000_000_000_000_000n + BigInt(seed) * 1_000_000_000n,
    now: () => startTime + at,
  });
  const messages: ScenarioMessage[] = [];
  const streaks: ScenarioGiftStreak[] = [];

  const push = (atMs: number, build: () => BuiltMessage): BuiltMessage => {
    at = atMs;
    const message = build();
    messages.push({ atMs, method: message.method, msgId: message.msgId, message });
    return message;
  };
  const now = (build: () => BuiltMessage): void => void push(cursor, build);

  // Stable by construction: equal times keep the order they were written in.
  const ordered = (): ScenarioMessage[] => [...messages].sort((a, b) => a.atMs - b.atMs);

  const timedFrames = (): ScenarioFrame[] => {
    const frames: ScenarioFrame[] = [];
    const all = ordered();
    for (let i = 0; i < all.length;) {
      const atMs = all[i]!.atMs;
      const batch: ScenarioMessage[] = [];
      while (i < all.length && all[i]!.atMs === atMs && batch.length < perFrame) batch.push(all[i++]!);
      const n = frames.length + 1;
      const logId = String(BigInt(seed) * 1_000_000_000n + BigInt(n));
      const frameCursor = `t-${startTime + atMs}_r-${n}_d-1_u-1_h-1`;
      const bytes = encodeFrame({
        response: {
          messages: batch.map((m) => m.message),
          cursor: frameCursor,
          now: String(startTime + atMs),
          internalExt: `internal_src:dim|wss_push_room_id:${roomId}|fetch_time:${startTime + atMs}`,
          fetchInterval: '0',
          needAck: true,
          heartbeatDuration: '0',
        },
        logId,
        seqId: String(n),
      });
      frames.push({ atMs, bytes, logId, seqId: String(n), cursor: frameCursor, messages: batch });
    }
    return frames;
  };

  const lastAt = (): number => messages.reduce((max, m) => Math.max(max, m.atMs), cursor);

  const builder: Scenario = {
    chat(user, content) {
      now(() => factory.chat(user, content));
      return builder;
    },
    gift(user, name, g = {}) {
      const single = g.single ?? false;
      const combo = single ? 1 : (g.combo ?? 1);
      if (!Number.isInteger(combo) || combo < 1) {
        throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `gift combo must be >= 1, got ${combo}`);
      }
      const giftId = g.giftId ?? giftIdFor(name);
      const diamondCount = g.diamonds ?? 1;
      const groupCount = g.groupCount ?? 1;
      const interval = g.interval !== undefined ? parseDuration(g.interval) : comboInterval;
      const endMarker = g.endMarker ?? true;
      streakNo += 1;
      // Real group ids look like a send time in seconds (1638052413); the seed keeps scenarios apart.
      const groupId = single ? '0' : String(1_600_000_000 + seed * 100_000 + streakNo);
      const msgIds: string[] = [];
      for (let k = 1; k <= combo; k++) {
        const last = k === combo;
        const built = push(cursor + (k - 1) * interval, () =>
          factory.gift({
            user,
            giftId,
            name,
            diamondCount,
            combo: !single,
            repeatCount: k,
            comboCount: k,
            groupCount,
            groupId,
            // Captured non-combo gifts carry no repeat_end at all.
            repeatEnd: !single && last && endMarker,
            totalCount: k * groupCount,
          }),
        );
        msgIds.push(built.msgId);
      }
      streaks.push({
        userId: userIdOf(user),
        nickname: nicknameOf(user),
        giftId,
        giftName: name,
        groupId,
        total: combo * groupCount,
        diamonds: combo * groupCount * diamondCount,
        endMarker: single || endMarker,
        msgIds,
      });
      return builder;
    },
    like(user, count = 1) {
      likeTotal += count;
      const total = likeTotal;
      now(() => factory.like(user, count, total));
      return builder;
    },
    member(user) {
      online += 1;
      totalUser += 1;
      const memberCount = online;
      now(() => factory.member(user, memberCount));
      return builder;
    },
    follow(user) {
      followers += 1;
      const count = followers;
      now(() => factory.follow(user, count));
      return builder;
    },
    share(user) {
      now(() => factory.share(user));
      return builder;
    },
    viewers(total) {
      online = total;
      totalUser = Math.max(totalUser, total);
      const cumulative = totalUser;
      now(() => factory.viewers(total, cumulative));
      return builder;
    },
    after(duration) {
      cursor += parseDuration(duration);
      return builder;
    },
    end() {
      cursor = lastAt();
      now(() => factory.control(CONTROL_ACTION_LIVE_END));
      return builder;
    },
    toMessages: ordered,
    toFrames: () => timedFrames().map(({ atMs, bytes }) => ({ atMs, bytes })),
    toTimedFrames: timedFrames,
    toSource() {
      const frames = timedFrames();
      const batches = frames.map((f) => ({ atMs: f.atMs, messages: f.messages.map((m) => m.message) }));
      return { roomId, durationMs: lastAt(), frames, batches };
    },
    toObservable: (scheduler) => playFrames(timedFrames(), { scheduler, durationMs: lastAt() }),
    toGiftStreaks: () => [...streaks],
  };
  return builder;
}
