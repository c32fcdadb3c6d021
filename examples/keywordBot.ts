/**
 * A short bot: replies to chat that mentions a keyword. `replies(session)` is the whole bot; the `main` part
 * runs it against the bundled simulator (or a real room: pass its URL as the first argument).
 *
 *   npm run build && npx tsx examples/keywordBot.ts                     # against the simulator
 *   npx tsx examples/keywordBot.ts https://live.douyin.com/<web_rid>    # a real room
 *
 * Its test, `examples/keywordBot.test.ts`, runs in `npm test`.
 */
import { filter, map, type Observable } from 'rxjs';
import { connectLiveSession, type LiveSession } from '@douyin-live/core';

/** The bot: every chat containing one of the keywords becomes the reply it would send. */
export function replies(
  session: Pick<LiveSession, 'chat$'>,
  keywords: readonly string[] = ['你好', 'hello'],
): Observable<string> {
  return session.chat$.pipe(
    filter((m) => keywords.some((k) => m.content.toLowerCase().includes(k))),
    map((m) => `@${m.user.nickname} 你好！欢迎来到直播间`),
  );
}

async function main(room: string | undefined): Promise<void> {
  const { startSimulator } = await import('@douyin-live/simulator');
  // The simulated room's viewers greet now and then, so the bot has something to answer.
  const chatLines = ['你好主播', 'hello 大家好', '666', '主播唱首歌吧', '这个好看', '第一次来，关注了'];
  const sim = room ? undefined : await startSimulator({ scenario: { seed: 1, durationMs: 15_000, chatLines } });
  console.error(`keyword bot watching ${room ?? `the simulator at ${sim!.httpUrl}`}; the replies it would send:`);
  const session = connectLiveSession(sim ? { room: '261378947940', endpoints: sim.httpUrl } : { room: room! });
  replies(session).subscribe((reply) => console.log(reply));
  await session.done;
  await sim?.close();
}

if (process.argv[1]?.endsWith('keywordBot.ts')) void main(process.argv[2]);
