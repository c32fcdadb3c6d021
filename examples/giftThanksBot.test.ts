// The gift thank-you bot, tested twice: in virtual time on frames built from a scenario (interleaved streaks,
// replayed packets, a lost end marker), and against the simulator over loopback with the same scenario.
import { connectLiveSession, livePipeline, ofMethod } from '@douyin-live/core';
import {
  createTestScheduler,
  playFrames,
  scenario,
  type ScenarioGiftStreak,
  type TimedFrame,
} from '@douyin-live/testing';
import { batchSource, startSimulator } from '@douyin-live/simulator';
import { giftThanks, type GiftThanks, type GiftThanksOptions } from './giftThanksBot.js';

/** A room with interleaved streaks, a streak whose end marker is lost, single sends and a repeat streak. */
const room = () =>
  scenario()
    .gift('小明', '玫瑰', { combo: 10, diamonds: 1, interval: '200ms' })
    .gift('小红', '小心心', { combo: 3, diamonds: 1, interval: '300ms' })
    .chat('路人甲', '主播好，这是什么歌？')
    .after('500ms')
    .gift('阿强', '加油鸭', { combo: 4, diamonds: 15, interval: '250ms', endMarker: false })
    .gift('小红', '粉丝团灯牌', { single: true, diamonds: 1 })
    .gift('老王', '嘉年华', { single: true, diamonds: 3000 })
    .gift('小美', '人气票', { combo: 2, diamonds: 1, groupCount: 5 })
    .after('3s')
    .gift('小明', '玫瑰', { combo: 2, diamonds: 1, interval: '50ms' })
    .after('15s')
    .end();

/** The line a correct bot sends for a streak the scenario put in. */
const expectedText = (s: ScenarioGiftStreak) => `谢谢 ${s.nickname} 送的 ${s.giftName} ×${s.total}（${s.diamonds} 钻）`;

/** Every frame, each replayed 10 ms later, and the first five again at 2 s (the overlap after a reconnect). */
const withDuplicates = (frames: readonly TimedFrame[]): TimedFrame[] => [
  ...frames,
  ...frames.map((f) => ({ ...f, atMs: f.atMs + 10 })),
  ...frames.slice(0, 5).map((f) => ({ ...f, atMs: 2_000 })),
];

/** Runs the bot in virtual time on frames through the real decode pipeline; returns what it said and when. */
function runVirtual(frames: readonly TimedFrame[], options: GiftThanksOptions = {}) {
  const said: { at: number; thanks: GiftThanks }[] = [];
  const scheduler = createTestScheduler();
  scheduler.run(({ flush }) => {
    // What a session's gift$ carries, decoded from the frames by the same pipeline a live session runs.
    const gift$ = playFrames(frames).pipe(livePipeline(), ofMethod('WebcastGiftMessage'));
    giftThanks({ gift$ }, options).subscribe((thanks) => said.push({ at: scheduler.now(), thanks }));
    flush();
  });
  return said;
}

describe('giftThanks in virtual time', () => {
  it('thanks exactly once per streak, with the totals the scenario put in', () => {
    const s = room();
    const streaks = s.toGiftStreaks();
    expect(streaks).toHaveLength(7);
    const said = runVirtual(withDuplicates(s.toFrames()), { maxThanks: 10 });
    expect(said.map((x) => x.thanks.text).sort()).toEqual(streaks.map(expectedText).sort());
    expect(said.map((x) => x.thanks.text)).toContain('谢谢 小明 送的 玫瑰 ×10（10 钻）');
    expect(said.map((x) => x.thanks.text)).toContain('谢谢 小美 送的 人气票 ×10（10 钻）');
  });

  it('thanks a streak whose end marker was lost once it has been quiet for timeoutMs', () => {
    const said = runVirtual(withDuplicates(room().toFrames()), { maxThanks: 10, timeoutMs: 5_000 });
    const aqiang = said.filter((x) => x.thanks.streak.user.nickname === '阿强');
    // Its last packet is due at 500 + 3 × 250 ms; the replay 10 ms later is a duplicate and no sign of life.
    expect(aqiang.map((x) => [x.at, x.thanks.streak.reason, x.thanks.text])).toEqual([
      [1_250 + 5_000, 'timeout', '谢谢 阿强 送的 加油鸭 ×4（60 钻）'],
    ]);
    // Streaks with their marker are thanked the moment it arrives: 小红's third 小心心 at 2 × 300 ms.
    const xiaohong = said.find((x) => x.thanks.streak.gift.name === '小心心');
    expect([xiaohong?.at, xiaohong?.thanks.streak.reason]).toEqual([600, 'repeat-end']);
  });

  it('stays inside the rate limit when a crowd sends gifts at once', () => {
    let s = scenario();
    for (let i = 0; i < 12; i++) s = s.gift(`观众${i}`, '粉丝团灯牌', { single: true }).after('100ms');
    s = s.after('10s').gift('晚到的', '玫瑰', { combo: 3 }).end();
    const said = runVirtual(s.toFrames());
    // Default: 5 per 10 s. The first five single sends are thanked, the next seven dropped, then the window
    // has moved on by the time the late rose streak ends.
    expect(said.map((x) => [x.at, x.thanks.text])).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => [i * 100, `谢谢 观众${i} 送的 粉丝团灯牌 ×1（1 钻）`]),
      [12 * 100 + 10_000 + 200, '谢谢 晚到的 送的 玫瑰 ×3（3 钻）'],
    ]);
  });
});

describe('giftThanks on a live session', () => {
  it('thanks the same streaks, once each, when the scenario is played by the simulator', async () => {
    const s = room();
    const { batches } = s.toSource();
    // A packet replayed within the session: the session's dedupe and giftCombos both see it as a repeat.
    const replayed = { atMs: batches[3]!.atMs, messages: batches[2]!.messages };
    const sim = await startSimulator({
      source: batchSource([...batches.slice(0, 3), replayed, ...batches.slice(3)]),
      // 10× faster than written; the whole session then lasts about two seconds.
      speed: 10,
      // Whatever the room pushed before the session connected comes as its history, so nothing is missed.
      historySize: 1_000,
    });
    try {
      const session = connectLiveSession({
        room: '261378947940',
        endpoints: sim.httpUrl,
        // A logged-in cookie: the simulator masks guests' nicknames (`小***`) as Douyin does.
        cookie: 'sessionid=example',
        heartbeatIntervalMs: 50,
      });
      const said: string[] = [];
      giftThanks(session, { maxThanks: 10 }).subscribe(({ text }) => said.push(text));
      expect(await session.done).toEqual({ reason: 'ended' });
      expect(said.sort()).toEqual(s.toGiftStreaks().map(expectedText).sort());
    } finally {
      await sim.close();
    }
  });
});
