import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { importFrames } from '../replay/importFrames.js';

/** Arguments of `douyin-live import`. */
export interface ImportArgs {
  frames: string;
  output: string;
  roomId?: string | undefined;
  webRid?: string | undefined;
  title?: string | undefined;
  startedAt?: number | undefined;
}

/** Registers `import`: a JSON-lines frame log to a recording. */
export function importCommand(ctx: CliContext) {
  return {
    command: 'import <frames>',
    describe: 'Build a .dyrec recording from a JSON-lines frame log ({"dir":"in"|"out","t":<ms>,"b64":"…"} per line)',
    builder: (y: Argv) =>
      y
        .positional('frames', { type: 'string', demandOption: true, describe: 'the .jsonl frame log' })
        .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the .dyrec file to write' })
        .option('room-id', { type: 'string', describe: 'room id for the header' })
        .option('web-rid', { type: 'string', describe: 'web_rid for the header' })
        .option('title', { type: 'string', describe: 'room title for the header' })
        .option('started-at', {
          type: 'number',
          describe: 'ms since the epoch of t = 0, for logs with relative times',
        })
        .example('$0 import capture.jsonl -o capture.dyrec', 'then: $0 replay capture.dyrec'),
    handler: async (args: ImportArgs) => {
      const room =
        args.roomId !== undefined
          ? { roomId: args.roomId, webRid: args.webRid ?? '', title: args.title ?? '' }
          : undefined;
      const stats = await importFrames(args.frames, args.output, { room, startedAt: args.startedAt });
      ctx.out(`imported ${stats.framesIn} frames in and ${stats.framesOut} out to ${args.output}`);
    },
  };
}
