// The tutorial bot's tests (quoted in docs/writing-a-bot.md): in virtual time, then against the simulator.
import { lastValueFrom, share, toArray } from 'rxjs';
import { connectLiveSession, livePipeline, ofMethod } from '@douyin-live/core';
import { createTestScheduler, scenario, type Scenario } from '@douyin-live/testing';
import { batchSource, startSimulator } from '@douyin-live/simulator';
import { tutorialBot } from './tutorialBot.js';

/** A session-shaped object whose streams come from a scenario, decoded by the real pipeline. */
function sessionOf(s: Scenario) {
  const messages$ = s.toObservable().pipe(livePipeline(), share());
  return {
    chat$: messages$.pipe(ofMethod('WebcastChatMessage')),
    gift$: messages$.pipe(ofMethod('WebcastGiftMessage')),
  };
}

/** Dice that always land on the top face. */
const topFace = () => 0.999;

it('greets, answers commands once per cooldown and thanks each gift streak once (virtual time)', () => {
  const room = scenario()
    .chat('小明', 'hello 主播')
    .chat('小红', '!dice 20')
    .chat('小红', '!dice') // within 小红's 30 s cooldown: no answer
    .gift('小明', '玫瑰', { combo: 5 }) // five messages, 100 ms apart
    .after('31s')
    .chat('小红', '！DICE') // full-width prefix and any case are understood
    .end();

  createTestScheduler().run(({ expectObservable }) => {
    // Times in ms: both replies at 0, the streak's end marker at 400, the cooldown over at 31 s.
    expectObservable(tutorialBot(sessionOf(room), { random: topFace })).toBe('(ab) 396ms c 30599ms (d|)', {
      a: '@小明 你好！欢迎来到直播间',
      b: '@小红 掷出了 20（1-20）',
      c: '谢谢 小明 送的 玫瑰 ×5',
      d: '@小红 掷出了 6（1-6）',
    });
  });
});

it('says the same things on a live session against the simulator', async () => {
  const room = scenario()
    .chat('小明', 'hello 主播')
    .chat('小红', '!help')
    .gift('小明', '玫瑰', { combo: 5 })
    .after('200ms')
    .end();
  const sim = await startSimulator({ source: batchSource(room.toSource().batches), historySize: 100 });
  try {
    // A `sessionid` cookie: the simulator, like Douyin, masks guests' nicknames.
    const session = connectLiveSession({ room: '261378947940', endpoints: sim.httpUrl, cookie: 'sessionid=test' });
    const said = lastValueFrom(tutorialBot(session).pipe(toArray()));
    await session.done;
    expect(await said).toEqual(['@小明 你好！欢迎来到直播间', '@小红 命令：!dice [面数]', '谢谢 小明 送的 玫瑰 ×5']);
  } finally {
    await sim.close();
  }
});
