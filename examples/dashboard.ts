/**
 * A terminal dashboard of a live room: live state, viewers (`viewerCount`), messages per minute, top gifters
 * (`leaderboard`) and the latest chat. On a TTY it redraws in place with ANSI escapes; piped to a file or
 * another program it prints one plain line every few seconds instead.
 *
 * The logic is pure and testable: `dashboardState$(session)` is an Observable of {@link DashboardState} and
 * `render(state, width)` turns one state into text. `runDashboard` is the thin part that writes to a terminal.
 *
 *   npm run build && npx tsx examples/dashboard.ts                     # against the simulator
 *   npx tsx examples/dashboard.ts https://live.douyin.com/<web_rid>    # a real room
 *   npx tsx examples/dashboard.ts | cat                                # plain lines (not a TTY)
 *
 * Its test, `examples/dashboard.test.ts`, runs in `npm test`.
 */
import {
  asyncScheduler,
  connect,
  defer,
  EMPTY,
  endWith,
  ignoreElements,
  interval,
  lastValueFrom,
  map,
  merge,
  takeUntil,
  tap,
  throttleTime,
  type Observable,
  type SchedulerLike,
} from 'rxjs';
import {
  connectLiveSession,
  isMethod,
  leaderboard,
  ofMethod,
  viewerCount,
  type LeaderboardEntry,
  type LiveSession,
  type SessionState,
} from '@douyin-live/core';

/** One chat line as the dashboard shows it. */
export interface ChatLine {
  readonly nickname: string;
  readonly content: string;
}

/** Everything the dashboard shows, at one moment. */
export interface DashboardState {
  /** Scheduler time of this snapshot, in ms. */
  readonly at: number;
  /** The session's state; `undefined` until the session reports one. */
  readonly state: SessionState | undefined;
  /** The room title, once the room is resolved (when the session has a `room$`). */
  readonly title: string | undefined;
  /** Viewers online now, as the last statistics message said; `undefined` before the first. */
  readonly viewers: number | undefined;
  /** Messages of any kind that arrived in the last `windowMs`, scaled to one minute. */
  readonly messagesPerMinute: number;
  /** Messages since the dashboard started. */
  readonly totalMessages: number;
  /** Top gifters by diamonds, best first (finished streaks only: a combo counts once, when it ends). */
  readonly topGifters: readonly LeaderboardEntry[];
  /** The latest chat messages, oldest first. */
  readonly recentChat: readonly ChatLine[];
}

/** Options of {@link dashboardState$}. */
export interface DashboardOptions {
  /**
   * The window of the messages-per-minute rate, in ms.
   * @defaultValue `60_000`
   */
  readonly windowMs?: number | undefined;
  /**
   * Rows of the gifter board.
   * @defaultValue `5`
   */
  readonly top?: number | undefined;
  /**
   * How many recent chat lines to keep.
   * @defaultValue `5`
   */
  readonly recentChat?: number | undefined;
  /**
   * A fresh state at least this often even when nothing arrives, so the rate falls in a quiet room, in ms.
   * @defaultValue `1_000`
   */
  readonly tickMs?: number | undefined;
  /**
   * The clock of the rate, the ticks and the board's streak timeouts.
   * @defaultValue `asyncScheduler` (virtual inside `TestScheduler.run`)
   */
  readonly scheduler?: SchedulerLike | undefined;
}

/** The defaults of {@link DashboardOptions}. */
export const DEFAULT_DASHBOARD_OPTIONS = {
  windowMs: 60_000,
  top: 5,
  recentChat: 5,
  tickMs: 1_000,
  scheduler: asyncScheduler,
} as const satisfies { readonly [K in keyof DashboardOptions]-?: Exclude<DashboardOptions[K], undefined> };

/** What the dashboard reads from a session: every message and the state, the room when there is one. */
export type DashboardSource = Pick<LiveSession, 'messages$' | 'state$'> & Partial<Pick<LiveSession, 'room$'>>;

/** The mutable state behind the snapshots (one per subscription). */
interface Draft {
  state: SessionState | undefined;
  title: string | undefined;
  viewers: number | undefined;
  totalMessages: number;
  topGifters: readonly LeaderboardEntry[];
  recentChat: ChatLine[];
  // Arrival times inside the rate window, oldest first, from `head` on (a queue without O(n) shifts).
  arrivals: number[];
  head: number;
}

/**
 * The dashboard's state over time: a new {@link DashboardState} on every message, state change and tick.
 * Completes when the session's messages complete (the live ended or the session closed).
 *
 * @example
 * ```ts
 * dashboardState$(session).subscribe((s) => console.log(render(s, 80)));
 * ```
 */
export function dashboardState$(session: DashboardSource, options: DashboardOptions = {}): Observable<DashboardState> {
  const { windowMs, top, recentChat, tickMs, scheduler } = { ...DEFAULT_DASHBOARD_OPTIONS, ...definedOnly(options) };
  // `connect`: one subscription to messages$ feeds every part, and none of them misses the first message.
  return session.messages$.pipe(
    connect((messages$) =>
      defer(() => {
        const d: Draft = {
          state: undefined,
          title: undefined,
          viewers: undefined,
          totalMessages: 0,
          topGifters: [],
          recentChat: [],
          arrivals: [],
          head: 0,
        };
        // Subscribed after the message-driven parts, so their last values (a board flushed when the
        // messages complete) are in before the ticks and the state stream stop.
        const end$ = messages$.pipe(ignoreElements(), endWith(true));
        const updates$: Observable<() => void> = merge(
          messages$.pipe(
            map((m) => () => {
              d.totalMessages += 1;
              d.arrivals.push(scheduler.now());
              if (isMethod(m, 'WebcastChatMessage')) {
                d.recentChat.push({ nickname: m.user.nickname, content: m.content });
                if (d.recentChat.length > recentChat) d.recentChat.shift();
              }
            }),
          ),
          messages$.pipe(
            viewerCount(),
            map((n) => () => (d.viewers = n)),
          ),
          messages$.pipe(
            ofMethod('WebcastGiftMessage'),
            leaderboard({ top, scheduler }),
            map((board) => () => (d.topGifters = board)),
          ),
          session.state$.pipe(
            takeUntil(end$),
            map((s) => () => (d.state = s)),
          ),
          (session.room$ ?? EMPTY).pipe(
            takeUntil(end$),
            map((room) => () => (d.title = room.title)),
          ),
          interval(tickMs, scheduler).pipe(
            takeUntil(end$),
            map(() => () => undefined),
          ),
        );
        return updates$.pipe(
          map((apply) => {
            apply();
            return snapshot(d, scheduler.now(), windowMs);
          }),
        );
      }),
    ),
  );
}

/** Drops arrivals older than the window and freezes the draft into a state object. */
function snapshot(d: Draft, now: number, windowMs: number): DashboardState {
  while (d.head < d.arrivals.length && now - d.arrivals[d.head]! >= windowMs) d.head += 1;
  // Compact now and then, so the array does not keep every arrival of the session.
  if (d.head > 1_024 && d.head * 2 > d.arrivals.length) {
    d.arrivals = d.arrivals.slice(d.head);
    d.head = 0;
  }
  const inWindow = d.arrivals.length - d.head;
  return {
    at: now,
    state: d.state,
    title: d.title,
    viewers: d.viewers,
    messagesPerMinute: Math.round((inWindow * 60_000) / windowMs),
    totalMessages: d.totalMessages,
    topGifters: d.topGifters,
    recentChat: [...d.recentChat],
  };
}

/** The options without their `undefined` fields, so spreading them over the defaults keeps the defaults. */
function definedOnly<T extends object>(options: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

// --- rendering -------------------------------------------------------------------------------------------------

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
// East Asian Wide and Fullwidth blocks (CJK, Hangul, kana, full-width forms) take two terminal columns.
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;
const EMOJI = /\p{Extended_Pictographic}/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;
// C0/C1 controls (newlines, ESC, …): a viewer's chat must not move the cursor or recolour the terminal.
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;

/** Terminal columns one grapheme takes: 2 for CJK and emoji, 0 for combining marks, else 1 (approximate). */
function graphemeWidth(g: string): number {
  if (WIDE.test(g) || EMOJI.test(g)) return 2;
  return ZERO_WIDTH.test(g) ? 0 : 1;
}

/** Terminal columns a string takes (CJK and emoji count two). */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of graphemes.segment(text)) width += graphemeWidth(segment);
  return width;
}

/** Cuts a string to at most `width` columns, ending it with `…` when it was cut. */
export function fitWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const w = graphemeWidth(segment);
    // One column is kept for the ellipsis.
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return width > 0 ? `${out}…` : '';
}

/** Pads a string with spaces to `width` columns (cutting it when longer). */
function padTo(text: string, width: number): string {
  const fitted = fitWidth(text, width);
  return fitted + ' '.repeat(Math.max(0, width - displayWidth(fitted)));
}

/** Chat text as one safe line: controls (newlines, escapes) become spaces. */
function oneLine(text: string): string {
  return text.replace(CONTROL, ' ');
}

const number = new Intl.NumberFormat('en-US');
const fmt = (n: number | undefined): string => (n === undefined ? '–' : number.format(n));

/**
 * The dashboard as text: one string of lines, none wider than `width` terminal columns (CJK counts two),
 * no ANSI escapes (the caller positions it).
 *
 * @example
 * ```ts
 * process.stdout.write(render(state, process.stdout.columns ?? 80));
 * ```
 */
export function render(state: DashboardState, width: number): string {
  const title = state.title !== undefined ? `抖音直播 · ${oneLine(state.title)}` : '抖音直播';
  const status = `● ${state.state ?? '…'}`;
  const header = `${padTo(title, Math.max(0, width - displayWidth(status) - 1))} ${status}`;
  const lines = [
    header,
    '─'.repeat(width),
    `viewers ${fmt(state.viewers)}   msgs/min ${fmt(state.messagesPerMinute)}   messages ${fmt(state.totalMessages)}`,
    '',
    'Top gifters',
    ...(state.topGifters.length === 0
      ? ['  (no gifts yet)']
      : state.topGifters.map(
          (e) =>
            `${String(e.rank).padStart(3)}. ${padTo(oneLine(e.user.nickname), 16)} ${fmt(e.diamonds).padStart(8)} 钻  ${fmt(e.gifts)} ${e.gifts === 1 ? 'gift' : 'gifts'}`,
        )),
    '',
    'Recent chat',
    ...(state.recentChat.length === 0
      ? ['  (quiet)']
      : state.recentChat.map((c) => `  ${oneLine(c.nickname)}: ${oneLine(c.content)}`)),
  ];
  return lines.map((line) => fitWidth(line, width)).join('\n');
}

/** The dashboard as one plain line, for logs and pipes. */
export function renderLine(state: DashboardState): string {
  const top = state.topGifters.map((e) => `${oneLine(e.user.nickname)} ${fmt(e.diamonds)}钻`).join(', ');
  return [
    `[${new Date(state.at).toTimeString().slice(0, 8)}] ${state.state ?? '…'}`,
    `viewers ${fmt(state.viewers)}`,
    `${fmt(state.messagesPerMinute)} msgs/min`,
    `${fmt(state.totalMessages)} messages`,
    `top: ${top || '–'}`,
  ].join(' · ');
}

// --- the terminal ----------------------------------------------------------------------------------------------

/** Where {@link runDashboard} writes: `process.stdout`, or a fake in tests. */
export interface DashboardOutput {
  write(text: string): unknown;
  /** True on a terminal: redraw in place. */
  readonly isTTY?: boolean | undefined;
  /** Terminal width in columns (read at each redraw, so resizing works). */
  readonly columns?: number | undefined;
}

/** Options of {@link runDashboard}. */
export interface RunDashboardOptions extends DashboardOptions {
  /**
   * Fastest redraw on a TTY, in ms.
   * @defaultValue `250`
   */
  readonly redrawMs?: number | undefined;
  /**
   * Interval of the plain lines when not on a TTY, in ms.
   * @defaultValue `5_000`
   */
  readonly plainIntervalMs?: number | undefined;
}

/** The defaults of {@link RunDashboardOptions} (the state options default as in {@link DEFAULT_DASHBOARD_OPTIONS}). */
export const DEFAULT_RUN_DASHBOARD_OPTIONS = { redrawMs: 250, plainIntervalMs: 5_000 } as const;

// ANSI: cursor home, erase to the end of the line, erase below the cursor, hide and show the cursor.
const HOME = '\x1b[H';
const ERASE_LINE = '\x1b[K';
const ERASE_BELOW = '\x1b[J';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * Shows the dashboard on `out` until the session's messages complete: redrawn in place on a TTY (each line
 * overwritten and erased to its end, no flicker of a full clear), a plain line every `plainIntervalMs` otherwise.
 */
export function runDashboard(
  session: DashboardSource,
  out: DashboardOutput,
  options: RunDashboardOptions = {},
): Promise<void> {
  const { redrawMs, plainIntervalMs, ...stateOptions } = options;
  const scheduler = options.scheduler ?? asyncScheduler;
  const tty = out.isTTY === true;
  if (tty) out.write(HIDE_CURSOR);
  const draw = (s: DashboardState): void => {
    if (!tty) {
      out.write(`${renderLine(s)}\n`);
      return;
    }
    const text = render(s, Math.max(20, out.columns ?? 80));
    out.write(`${HOME}${text.split('\n').join(`${ERASE_LINE}\n`)}${ERASE_LINE}\n${ERASE_BELOW}`);
  };
  const drawn$ = dashboardState$(session, stateOptions).pipe(
    // The first state at once, then the latest at most once per interval, and the final one at the end.
    throttleTime(
      tty
        ? (redrawMs ?? DEFAULT_RUN_DASHBOARD_OPTIONS.redrawMs)
        : (plainIntervalMs ?? DEFAULT_RUN_DASHBOARD_OPTIONS.plainIntervalMs),
      scheduler,
      { leading: true, trailing: true },
    ),
    tap(draw),
  );
  return lastValueFrom(drawn$, { defaultValue: undefined }).then(
    () => void (tty && out.write(SHOW_CURSOR)),
    (error: unknown) => {
      if (tty) out.write(SHOW_CURSOR);
      throw error;
    },
  );
}

async function main(room: string | undefined): Promise<void> {
  const { startSimulator } = await import('@douyin-live/simulator');
  const sim = room
    ? undefined
    : await startSimulator({ scenario: { seed: 11, durationMs: 30_000, giftPerSecond: 1, chatPerSecond: 5 } });
  const session = connectLiveSession(
    // Guests see masked nicknames (`小***`); a `sessionid` cookie makes the simulator show real ones.
    sim ? { room: '261378947940', endpoints: sim.httpUrl, cookie: 'sessionid=example' } : { room: room! },
  );
  process.once('SIGINT', () => void session.close());
  if (process.stdout.isTTY) process.stdout.write('\x1b[2J');
  await runDashboard(session, process.stdout);
  await sim?.close();
}

if (process.argv[1]?.endsWith('dashboard.ts')) void main(process.argv[2]);
