import { MESSAGE_KINDS, messageToJson, methodFilter, toJsonLine } from '@douyin-live/core';
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { DouyinLiveError, ErrorCodes, type LiveMessage } from '@douyin-live/core';
import { partPath } from '@douyin-live/recorder';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { csvHeader, csvRow } from '../format/csv.js';
import { parseOffset } from '../replay/options.js';
import { replaySession } from '../replay/replaySession.js';

/** Arguments of `douyin-live export`. */
export interface ExportArgs {
  file: string;
  format: 'jsonl' | 'csv';
  output: string;
  only?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  progress?: boolean | undefined;
}

/** Output is written in blocks of about this many bytes (synchronously: the replay waits for the disk). */
const WRITE_BLOCK_BYTES = 256 * 1024;
/** The progress bar is redrawn at most this often, in ms. */
const PROGRESS_INTERVAL_MS = 200;
const BAR_WIDTH = 30;

/** Bytes of a recording, all parts. */
export function recordingSize(path: string): number {
  let total = 0;
  for (let n = 0; ; n++) {
    const part = partPath(path, n);
    if (!existsSync(part)) break;
    total += statSync(part).size;
  }
  return total;
}

/** `[#########---------]  45%  120.3/270.0 MB  1,234,567 messages` */
export function progressBar(done: number, total: number, messages: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * BAR_WIDTH);
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${mb(Math.min(done, total))}/${mb(total)} MB  ${messages.toLocaleString('en-US')} messages`;
}

/** Registers `export`. */
export function exportCommand(ctx: CliContext) {
  return {
    command: 'export <file>',
    describe: 'Write the messages of a recording to a JSON-lines or CSV file (as fast as the file reads)',
    builder: (y: Argv) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'the .dyrec recording (first part)' })
        .option('format', { choices: ['jsonl', 'csv'] as const, demandOption: true, describe: 'output format' })
        .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'file to write (- = stdout)' })
        .option('only', { type: 'string', describe: `only these kinds: ${Object.keys(MESSAGE_KINDS).join(',')}` })
        .option('from', { type: 'string', describe: 'start this far into the recording (90s, 5m)' })
        .option('to', { type: 'string', describe: 'stop this far into the recording (90s, 5m)' })
        .option('progress', {
          type: 'boolean',
          describe: 'progress bar on stderr (default: when stderr is a terminal)',
        })
        .example(
          '$0 export session.dyrec --format csv --only chat,gift -o chat.csv',
          'chat and gifts for a spreadsheet',
        )
        .example('$0 export session.dyrec --format jsonl -o - | jq .method', 'JSON lines to a pipe'),
    handler: async (args: ExportArgs) => {
      const keep = methodFilter(args.only);
      const from = args.from !== undefined ? parseOffset('from', args.from) : undefined;
      const to = args.to !== undefined ? parseOffset('to', args.to) : undefined;
      if (!existsSync(args.file)) {
        throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `no such file: ${args.file}`, { path: args.file });
      }
      const toStdout = args.output === '-';
      const fd = toStdout ? undefined : openSync(args.output, 'w');
      let block: string[] = [];
      let blockBytes = 0;
      const flush = () => {
        if (block.length === 0) return;
        if (fd === undefined) for (const line of block) ctx.out(line);
        else writeSync(fd, `${block.join('\n')}\n`);
        block = [];
        blockBytes = 0;
      };
      const write = (line: string) => {
        block.push(line);
        blockBytes += line.length;
        if (blockBytes >= WRITE_BLOCK_BYTES) flush();
      };
      if (args.format === 'csv') write(csvHeader());

      const session = replaySession(args.file, { speed: 'max', from, to });
      const showProgress = args.progress ?? process.stderr.isTTY === true;
      const total = showProgress ? recordingSize(args.file) : 0;
      let written = 0;
      let lastDraw = 0;
      const draw = (final = false) => {
        const now = Date.now();
        if (!final && now - lastDraw < PROGRESS_INTERVAL_MS) return;
        lastDraw = now;
        process.stderr.write(`\r${progressBar(final ? total : session.bytesRead, total, written)}${final ? '\n' : ''}`);
      };
      session.errors$.subscribe((e) => {
        if (showProgress) process.stderr.write('\r\u001b[2K');
        ctx.err(`! ${e.message}`);
      });
      session.messages$.subscribe({
        next: (m: LiveMessage) => {
          if (keep && !keep(m.method)) return;
          written++;
          write(
            args.format === 'csv'
              ? csvRow(m, session.position)
              : toJsonLine({ ms: session.position, ...messageToJson(m) }),
          );
          if (showProgress) draw();
        },
        error: () => undefined,
      });
      try {
        const outcome = await session.done;
        flush();
        if (outcome.reason === 'failed') throw outcome.error;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
      if (showProgress) draw(true);
      if (!toStdout) {
        ctx.err(
          `exported ${written} messages to ${args.output}${session.truncated ? ' (the recording is truncated)' : ''}`,
        );
      }
    },
  };
}
