// The example bot, tested the way users can copy: against the simulator on loopback, no real network.
import { lastValueFrom, toArray } from 'rxjs';
import { connectLiveSession } from '@douyin-live/core';
import { startSimulator } from '@douyin-live/simulator';
import { replies } from './keywordBot.js';

it('replies to every chat that says hello, and only those', async () => {
  const sim = await startSimulator({
    scenario: {
      seed: 3,
      tickMs: 10,
      chatPerSecond: 300,
      messageLimit: 150,
      chatLines: ['hello 主播', '666', '你好呀', '关注了'],
    },
  });
  try {
    const session = connectLiveSession({ room: '261378947940', endpoints: sim.httpUrl, heartbeatIntervalMs: 50 });
    const all = lastValueFrom(session.chat$.pipe(toArray()));
    const answered = lastValueFrom(replies(session).pipe(toArray()));
    await session.done;
    const chats = await all;
    const expected = chats
      .filter((c) => /hello|你好/.test(c.content))
      .map((c) => `@${c.user.nickname} 你好！欢迎来到直播间`);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(chats.length);
    expect(await answered).toEqual(expected);
  } finally {
    await sim.close();
  }
});
