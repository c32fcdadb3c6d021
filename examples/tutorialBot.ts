/**
 * The bot built step by step in `docs/writing-a-bot.md`: greets viewers who say hello, answers `!dice` and
 * `!help` (one answer per viewer per 30 s), thanks each finished gift streak once, and never says more than
 * five things in ten seconds.
 *
 *   npm run build && npx tsx examples/tutorialBot.ts                     # against the simulator
 *   npx tsx examples/tutorialBot.ts https://live.douyin.com/<web_rid>    # a real room
 *
 * Its test, `examples/tutorialBot.test.ts`, runs in `npm test`.
 */
import { filter, map, merge, type Observable } from 'rxjs';
import {
  commands,
  connectLiveSession,
  giftCombos,
  perUserCooldown,
  rateLimit,
  type ChatCommand,
  type LiveSession,
} from '@douyin-live/core';

/** Options of {@link tutorialBot}. */
export interface TutorialBotOptions {
  /**
   * Where dice rolls come from: a number in [0, 1).
   * @defaultValue `Math.random`
   */
  readonly random?: (() => number) | undefined;
}

/** The bot: everything it would say in the room, in order. */
export function tutorialBot(
  session: Pick<LiveSession, 'chat$' | 'gift$'>,
  options: TutorialBotOptions = {},
): Observable<string> {
  const random = options.random ?? Math.random;

  // 1. Greet anyone who says hello.
  const greetings$ = session.chat$.pipe(
    filter((m) => /你好|hello/i.test(m.content)),
    map((m) => `@${m.user.nickname} 你好！欢迎来到直播间`),
  );

  // 2. Answer commands, at most once per viewer per 30 s.
  const answers$ = session.chat$.pipe(
    commands({ prefix: '!', only: ['dice', 'help'] }),
    perUserCooldown(30_000),
    map((c) => answer(c, random)),
  );

  // 3. Thank each finished gift streak once, with its true total.
  const thanks$ = session.gift$.pipe(
    giftCombos({ emit: 'end' }),
    map((combo) => `谢谢 ${combo.user.nickname} 送的 ${combo.gift.name} ×${combo.total}`),
  );

  // 4. Never more than 5 messages in 10 s: Douyin mutes accounts that chat faster.
  return merge(greetings$, answers$, thanks$).pipe(rateLimit(5, 10_000));
}

/** The reply to one command. */
function answer({ command, args, user }: ChatCommand, random: () => number): string {
  if (command === 'help') return `@${user.nickname} 命令：!dice [面数]`;
  const sides = Number.parseInt(args[0] ?? '', 10);
  const faces = sides >= 2 && sides <= 100 ? sides : 6;
  return `@${user.nickname} 掷出了 ${1 + Math.floor(random() * faces)}（1-${faces}）`;
}

async function main(room: string | undefined): Promise<void> {
  const { startSimulator } = await import('@douyin-live/simulator');
  const sim = room
    ? undefined
    : await startSimulator({
        scenario: { seed: 3, durationMs: 20_000, chatLines: ['hello 主播', '!dice', '!dice 20', '!help', '666'] },
      });
  // The simulator, like Douyin, shows guests as one masked user (`小***`, id 111111); a `sessionid` cookie shows
  // real nicknames and ids, which per-viewer cooldowns need.
  const session = connectLiveSession(
    sim ? { room: '261378947940', endpoints: sim.httpUrl, cookie: 'sessionid=example' } : { room: room! },
  );
  tutorialBot(session).subscribe({
    next: (reply) => console.log(reply),
    error: () => undefined, // a session that fails (no such room) ends the bot's streams; `done` says why
  });
  session.errors$.subscribe((e) => console.error(`! ${e.code}: ${e.message}`));
  const outcome = await session.done;
  await sim?.close();
  if (outcome.reason === 'failed') process.exitCode = 1;
}

if (process.argv[1]?.endsWith('tutorialBot.ts')) void main(process.argv[2]);
