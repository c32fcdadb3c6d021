// The dashboard in virtual time: its state and its rendered text for a scenario decoded by the real pipeline.
import { filter, share, type Observable } from 'rxjs';
import { livePipeline, type LiveMessage, type SessionState } from '@douyin-live/core';
import { createTestScheduler, scenario } from '@douyin-live/testing';
import {
  dashboardState$,
  displayWidth,
  fitWidth,
  render,
  renderLine,
  runDashboard,
  type DashboardState,
} from './dashboard.js';

/** Two bursts of activity 20 s apart, then a quiet minute and a half, then a last chat and the end. */
const room = () =>
  scenario()
    .viewers(1_200)
    .chat('小明', '主播好')
    .chat('小红', 'hello, 世界\n第二行')
    .gift('小明', '玫瑰', { combo: 10, diamonds: 1 })
    .gift('老王', '嘉年华', { single: true, diamonds: 3_000 })
    .after('20s')
    .viewers(1_500)
    .like('小红', 5)
    .gift('小红', '加油鸭', { combo: 2, diamonds: 15 })
    .after('90s')
    .chat('小明', '还在吗')
    .end();

/**
 * Runs `body` inside a TestScheduler with a session-like source: the scenario's frames through `livePipeline`
 * (shared, as a session's streams are) and a state stream that says `live`, then `ended` at 109 s.
 */
function withSession<T>(
  body: (session: { messages$: Observable<LiveMessage>; state$: Observable<SessionState> }) => T,
) {
  let result!: T;
  createTestScheduler().run(({ cold, flush }) => {
    const messages$ = room()
      .toObservable()
      .pipe(
        livePipeline(),
        filter((m): m is LiveMessage => m.kind === 'message'),
        share(),
      );
    const state$ = cold<SessionState>('a 109s b', { a: 'live', b: 'ended' });
    result = body({ messages$, state$ });
    flush();
  });
  return result;
}

function states(): DashboardState[] {
  const seen: DashboardState[] = [];
  withSession((session) => dashboardState$(session).subscribe((s) => seen.push(s)));
  return seen;
}

/** The last state at or before `ms`. */
const at = (all: readonly DashboardState[], ms: number) => all.filter((s) => s.at <= ms).at(-1)!;

describe('dashboardState$', () => {
  const all = states();

  it('ends with the viewers, totals, top gifters and latest chat of the session', () => {
    const last = all.at(-1)!;
    expect(last).toMatchObject({
      at: 110_000,
      state: 'ended',
      viewers: 1_500,
      totalMessages: 20,
      recentChat: [
        { nickname: '小明', content: '主播好' },
        { nickname: '小红', content: 'hello, 世界\n第二行' },
        { nickname: '小明', content: '还在吗' },
      ],
    });
    expect(last.topGifters.map((e) => [e.rank, e.user.nickname, e.diamonds, e.gifts])).toEqual([
      [1, '老王', 3_000, 1],
      [2, '小红', 30, 2],
      [3, '小明', 10, 10],
    ]);
  });

  it('counts a combo once, when it ends', () => {
    expect(at(all, 899).topGifters.map((e) => e.user.nickname)).toEqual(['老王']);
    expect(at(all, 900).topGifters.map((e) => [e.user.nickname, e.diamonds])).toEqual([
      ['老王', 3_000],
      ['小明', 10],
    ]);
  });

  it('reports messages per minute over a sliding minute, falling while the room is quiet', () => {
    // 14 messages in the first second, 4 at 20 s, then nothing until 110 s.
    expect(at(all, 59_000).messagesPerMinute).toBe(18);
    expect(at(all, 61_000).messagesPerMinute).toBe(4);
    expect(at(all, 81_000).messagesPerMinute).toBe(0);
    expect(at(all, 110_000).messagesPerMinute).toBe(2);
    // Ticks every second keep the numbers fresh even with no message at all.
    expect(all.filter((s) => s.at > 21_000 && s.at < 109_000).map((s) => s.at)).toEqual(
      Array.from({ length: 87 }, (_, i) => 22_000 + i * 1_000),
    );
  });

  it('follows the session state and the viewer count', () => {
    expect(at(all, 0)).toMatchObject({ state: 'live', viewers: 1_200 });
    expect(at(all, 20_000)).toMatchObject({ state: 'live', viewers: 1_500 });
    expect(at(all, 109_001).state).toBe('ended');
  });
});

describe('render', () => {
  const last = states().at(-1)!;

  it('lays the state out in lines no wider than the terminal', () => {
    expect(render(last, 48).split('\n')).toEqual([
      `抖音直播${' '.repeat(33)}● ended`,
      '─'.repeat(48),
      'viewers 1,500   msgs/min 2   messages 20',
      '',
      'Top gifters',
      '  1. 老王                3,000 钻  1 gift',
      '  2. 小红                   30 钻  2 gifts',
      '  3. 小明                   10 钻  10 gifts',
      '',
      'Recent chat',
      '  小明: 主播好',
      '  小红: hello, 世界 第二行',
      '  小明: 还在吗',
    ]);
    for (const width of [20, 33, 48, 80]) {
      for (const line of render(last, width).split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(width);
    }
  });

  it('never lets chat text move the cursor or recolour the terminal', () => {
    const hostile: DashboardState = {
      ...last,
      recentChat: [{ nickname: '坏人\x1b[31m', content: '\x1b[2J\x1b[Hgotcha\r\n' }],
    };
    expect(render(hostile, 80)).not.toMatch(/[\x00-\x09\x0b-\x1f]/);
    expect(render(hostile, 80)).toContain('坏人 [31m:  [2J [Hgotcha');
  });

  it('shows placeholders before anything arrived, and a title once the room is known', () => {
    const empty: DashboardState = {
      at: 0,
      state: undefined,
      title: '模拟直播间',
      viewers: undefined,
      messagesPerMinute: 0,
      totalMessages: 0,
      topGifters: [],
      recentChat: [],
    };
    expect(render(empty, 40).split('\n')).toEqual([
      `抖音直播 · 模拟直播间${' '.repeat(16)}● …`,
      '─'.repeat(40),
      'viewers –   msgs/min 0   messages 0',
      '',
      'Top gifters',
      '  (no gifts yet)',
      '',
      'Recent chat',
      '  (quiet)',
    ]);
    expect(renderLine(empty)).toMatch(/^\[\d\d:\d\d:\d\d\] … · viewers – · 0 msgs\/min · 0 messages · top: –$/);
  });

  it('measures CJK and emoji as two columns and cuts with an ellipsis', () => {
    expect([
      displayWidth('abc'),
      displayWidth('主播'),
      displayWidth('👍'),
      displayWidth('👨‍👩‍👧'),
      displayWidth('é'),
    ]).toEqual([3, 4, 2, 2, 1]);
    expect(fitWidth('主播好主播好', 7)).toBe('主播好…');
    expect(fitWidth('hello', 5)).toBe('hello');
  });
});

describe('runDashboard', () => {
  const output = (isTTY: boolean) => {
    const writes: string[] = [];
    const done = withSession((session) =>
      runDashboard(session, { isTTY, columns: 60, write: (text: string) => writes.push(text) }),
    );
    return { writes, done };
  };

  it('redraws in place on a TTY', async () => {
    const { writes, done } = output(true);
    await done;
    expect(writes[0]).toBe('\x1b[?25l');
    expect(writes.at(-1)).toBe('\x1b[?25h');
    const frames = writes.slice(1, -1);
    // Every frame starts at the top-left and erases what the last one left behind.
    for (const frame of frames) expect(frame).toMatch(/^\x1b\[H[^]*\x1b\[K\n\x1b\[J$/);
    expect(frames.at(-1)).toContain('● ended');
    expect(frames.at(-1)).toContain('小明: 还在吗');
  });

  it('prints plain lines when not a TTY', async () => {
    const { writes, done } = output(false);
    await done;
    expect(writes.join('')).not.toContain('\x1b');
    // A line at the start, then at most one every 5 s of the 110 s session, and the final state.
    expect(writes.length).toBeGreaterThan(10);
    expect(writes.length).toBeLessThanOrEqual(1 + 110 / 5 + 1);
    expect(writes.every((w) => w.endsWith('\n') && w.indexOf('\n') === w.length - 1)).toBe(true);
    expect(writes.at(-1)).toMatch(
      /ended · viewers 1,500 · 2 msgs\/min · 20 messages · top: 老王 3,000钻, 小红 30钻, 小明 10钻\n$/,
    );
  });
});
