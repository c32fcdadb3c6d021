// Testing a bot offline: the keyword bot of `keywordBot.ts`, written against `connectLiveSession`, runs
// unchanged against a recording (fixtures/busy-room.dyrec, made with `douyin-live record`). No network, and no
// real time: the replay moves a virtual clock from record to record, so a 9-second live (and a 10-second combo
// timeout) takes milliseconds. Copy this file to test your own bot on your own recordings.
import { join } from 'node:path';
import { lastValueFrom, toArray, VirtualTimeScheduler } from 'rxjs';
import { giftCombos, type GiftComboEnd } from '@douyin-live/core';
import { replaySession } from '@douyin-live/replay-cli';
import { replies } from './keywordBot.js';

const recording = join(__dirname, '..', 'fixtures', 'busy-room.dyrec');

it('replies to every chat that says hello, and only those', async () => {
  const scheduler = new VirtualTimeScheduler();
  const session = replaySession(recording, { scheduler });
  const chats = lastValueFrom(session.chat$.pipe(toArray()));
  const answered = lastValueFrom(replies(session).pipe(toArray()));
  expect((await session.done).reason).toBe('ended');

  const expected = (await chats)
    .filter((c) => /hello|你好/.test(c.content))
    .map((c) => `@${c.user.nickname} 你好！欢迎来到直播间`);
  expect(expected.length).toBeGreaterThan(0);
  expect(await answered).toEqual(expected);
});

it('counts each gift combo streak once, ending streaks that lost their end marker after the timeout', async () => {
  const scheduler = new VirtualTimeScheduler();
  const session = replaySession(recording, { scheduler });
  const gifts = lastValueFrom(session.gift$.pipe(toArray()));
  // When (on the recording's clock) each streak last got a message.
  const lastSeen = new Map<string, number>();
  session.gift$.subscribe((g) => lastSeen.set(`${g.user.id}:${g.giftId}:${g.groupId}`, scheduler.now()));
  // Time-based operators take the same scheduler: their timers then run on the recording's clock.
  const streaks = lastValueFrom(
    session.gift$.pipe(giftCombos({ emit: 'end', timeoutMs: 3_000, scheduler }), toArray()),
  );
  const started = Date.now();
  await session.done;
  expect(Date.now() - started).toBeLessThan(2_000);

  const ends = (await streaks) as GiftComboEnd[];
  // Every streak in the recording ends exactly once, with the highest count its messages reached.
  const highest = new Map<string, number>();
  for (const g of await gifts) {
    const k = `${g.user.id}:${g.giftId}:${g.groupId}`;
    highest.set(k, Math.max(highest.get(k) ?? 0, g.repeatCount * (g.groupCount || 1)));
  }
  expect(new Set(ends.map((e) => e.key)).size).toBe(ends.length);
  expect(new Map(ends.map((e) => [e.key, e.total]))).toEqual(highest);
  // Times are the recording's: a streak ends by its marker when it comes, or 3 s after its last message.
  for (const end of ends) {
    const last = lastSeen.get(end.key)!;
    if (end.reason === 'timeout') expect(end.endedAt).toBe(last + 3_000);
    if (end.reason === 'repeat-end' || end.reason === 'single') expect(end.endedAt).toBe(last);
  }
  expect(ends.some((e) => e.reason === 'repeat-end')).toBe(true);
});
