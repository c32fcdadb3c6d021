import { MESSAGE_KINDS, messageToJson, methodFilter, toJsonLine } from '@douyin-live/core';
import type { LiveMessage } from '@douyin-live/core';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { formatMessage, palette } from '../format/pretty.js';
import { parseOffset, parseSpeed } from '../replay/options.js';
import { replaySession } from '../replay/replaySession.js';

/** Arguments of `douyin-live replay`. */
export interface ReplayArgs {
  file: string;
  speed: string;
  only?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  format: 'pretty' | 'jsonl';
  checkAcks: boolean;
}

/** `12:03.250`: a recording position for pretty lines. */
export function formatPosition(ms: number): string {
  const total = Math.max(0, Math.floor(ms));
  const minutes = Math.floor(total / 60_000);
  const seconds = Math.floor((total % 60_000) / 1000);
  return `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}.${String(total % 1000).padStart(3, '0')}`;
}

/** Registers `replay`: a recording through the live pipeline, printed like `watch`. */
export function replayCommand(ctx: CliContext) {
  return {
    command: 'replay <file>',
    describe: 'Play a .dyrec recording through the live pipeline and print its messages (nothing is sent)',
    builder: (y: Argv) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'the .dyrec recording (first part)' })
        .option('speed', {
          type: 'string',
          default: '1',
          describe: 'playback speed: 1 = recorded pace, 10 = ten times faster, max = no waiting',
        })
        .option('only', { type: 'string', describe: `only these kinds: ${Object.keys(MESSAGE_KINDS).join(',')}` })
        .option('from', { type: 'string', describe: 'start this far into the recording (90s, 5m, 1h30m)' })
        .option('to', { type: 'string', describe: 'stop this far into the recording (90s, 5m, 1h30m)' })
        .option('format', {
          choices: ['pretty', 'jsonl'] as const,
          default: 'pretty' as const,
          describe: 'coloured lines, or one JSON object per message (problems as JSON on stderr)',
        })
        .option('check-acks', {
          type: 'boolean',
          default: false,
          describe: 'recompute every ack and compare it with the recorded one (summary on stderr)',
        })
        .example('$0 replay session.dyrec --speed max --only chat', 'every chat message, at once')
        .example('$0 replay session.dyrec --from 5m --to 10m --format jsonl', 'minutes 5 to 10 as JSON lines'),
    handler: async (args: ReplayArgs) => {
      // Bad arguments fail before the file is opened.
      const keep = methodFilter(args.only);
      const speed = parseSpeed(args.speed);
      const from = args.from !== undefined ? parseOffset('from', args.from) : undefined;
      const to = args.to !== undefined ? parseOffset('to', args.to) : undefined;
      const json = args.format === 'jsonl';
      const p = palette(ctx.colour);
      const session = replaySession(args.file, { speed, from, to, checkAcks: args.checkAcks });

      session.room$.subscribe((room) => {
        if (!json)
          ctx.err(
            `${p.bold(room.title || room.roomId)} ${p.dim(`room ${room.roomId}${room.anchor ? ` · ${room.anchor.nickname}` : ''} · replay of ${args.file}`)}`,
          );
      });
      session.state$.subscribe((state) => ctx.err(json ? toJsonLine({ state }) : p.dim(`— ${state}`)));
      session.errors$.subscribe((e) =>
        ctx.err(json ? toJsonLine({ error: e.code, message: e.message }) : p.red(`! ${e.message}`)),
      );
      session.messages$.subscribe({
        next: (m: LiveMessage) => {
          if (keep && !keep(m.method)) return;
          ctx.out(
            json ? toJsonLine(messageToJson(m)) : `${p.dim(formatPosition(session.position))} ${formatMessage(m, p)}`,
          );
        },
        // The fatal error also arrives on errors$ and in `done`.
        error: () => undefined,
      });
      const outcome = await Promise.race([
        session.done,
        ctx
          .interrupted()
          .then(() => session.close())
          .then(() => session.done),
      ]);
      if (outcome.reason === 'failed') throw outcome.error;
      const s = session.stats;
      const acks = session.acks;
      const summary =
        `${s.messages} messages, ${s.framesIn} frames in, ${s.connections} connection(s), ` +
        `${s.duplicatesDropped} repeats dropped, ${s.decodeFailures} decode failures` +
        (acks.enabled
          ? `; acks: ${acks.matched}/${acks.computed} matched, ${acks.mismatched} differ, ${acks.missing} missing, ${acks.unexpected} unexpected`
          : '') +
        (session.truncated ? '; the recording is truncated' : '');
      ctx.err(
        json
          ? toJsonLine({ done: outcome.reason, ...s, acks: acks.enabled ? acks : undefined })
          : p.dim(`■ ${outcome.reason}: ${summary}`),
      );
    },
  };
}
