/**
 * A gift thank-you bot: one "thank you" per FINISHED gift streak, with the streak's true total and diamond value
 * (`谢谢 小明 送的 玫瑰 ×10（10 钻）`), never one per combo packet, and never more than a few a minute.
 * `giftThanks(session)` is the whole bot; the `main` part runs it against the bundled simulator (or a real room:
 * pass its URL as the first argument).
 *
 *   npm run build && npx tsx examples/giftThanksBot.ts                     # against the simulator
 *   npx tsx examples/giftThanksBot.ts https://live.douyin.com/<web_rid>    # a real room
 *
 * Its test, `examples/giftThanksBot.test.ts`, runs in `npm test`.
 */
import { map, type Observable, type SchedulerLike } from 'rxjs';
import { connectLiveSession, giftCombos, rateLimit, type GiftComboEnd, type LiveSession } from '@douyin-live/core';

/** One thank-you the bot would send, with the streak it thanks for. */
export interface GiftThanks {
  /** The chat line, e.g. `谢谢 小明 送的 玫瑰 ×10（10 钻）`. */
  readonly text: string;
  /** The finished streak: `total` gifts worth `diamonds`. */
  readonly streak: GiftComboEnd;
}

/** Options of {@link giftThanks}. */
export interface GiftThanksOptions {
  /**
   * Most thank-yous in any window of `perMs`; the excess is dropped (Douyin mutes accounts that chat too fast).
   * @defaultValue `5`
   */
  readonly maxThanks?: number | undefined;
  /**
   * The rate-limit window, in ms.
   * @defaultValue `10_000`
   */
  readonly perMs?: number | undefined;
  /**
   * A streak whose end marker never arrives is thanked after this much silence, in ms.
   * @defaultValue `10_000` (as `giftCombos`)
   */
  readonly timeoutMs?: number | undefined;
  /**
   * The clock of the combo timeouts and the rate limit.
   * @defaultValue `asyncScheduler` (virtual inside `TestScheduler.run`)
   */
  readonly scheduler?: SchedulerLike | undefined;
}

/** The defaults of {@link GiftThanksOptions}. */
export const DEFAULT_GIFT_THANKS_OPTIONS = {
  maxThanks: 5,
  perMs: 10_000,
  timeoutMs: 10_000,
} as const satisfies { readonly [K in Exclude<keyof GiftThanksOptions, 'scheduler'>]-?: number };

/** The thank-you line for one finished streak. */
export function thankYouText(streak: GiftComboEnd): string {
  return `谢谢 ${streak.user.nickname} 送的 ${streak.gift.name} ×${streak.total}（${streak.diamonds} 钻）`;
}

/** The bot: each finished gift streak becomes one thank-you, rate-limited. */
export function giftThanks(
  session: Pick<LiveSession, 'gift$'>,
  options: GiftThanksOptions = {},
): Observable<GiftThanks> {
  const maxThanks = options.maxThanks ?? DEFAULT_GIFT_THANKS_OPTIONS.maxThanks;
  const perMs = options.perMs ?? DEFAULT_GIFT_THANKS_OPTIONS.perMs;
  const timeoutMs = options.timeoutMs ?? DEFAULT_GIFT_THANKS_OPTIONS.timeoutMs;
  const scheduler = options.scheduler;
  return session.gift$.pipe(
    // `emit: 'end'`: one event per streak, after its end marker (or its timeout when the marker is lost), with
    // duplicate packets already left out.
    giftCombos({ emit: 'end', timeoutMs, scheduler }),
    map((streak) => ({ text: thankYouText(streak), streak })),
    rateLimit<GiftThanks>(maxThanks, perMs, { scheduler }),
  );
}

async function main(room: string | undefined): Promise<void> {
  const { startSimulator } = await import('@douyin-live/simulator');
  // A gift-heavy simulated room, so there is something to thank for within a few seconds.
  const sim = room
    ? undefined
    : await startSimulator({ scenario: { seed: 7, durationMs: 20_000, giftPerSecond: 1.5 } });
  const session = connectLiveSession(
    // Guests see masked nicknames (`小***`); a `sessionid` cookie makes the simulator show real ones.
    sim ? { room: '261378947940', endpoints: sim.httpUrl, cookie: 'sessionid=example' } : { room: room! },
  );
  giftThanks(session).subscribe(({ text }) => console.log(text));
  await session.done;
  await sim?.close();
}

if (process.argv[1]?.endsWith('giftThanksBot.ts')) void main(process.argv[2]);
