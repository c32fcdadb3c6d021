import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { diffGolden, formatGoldenDiff, goldenLines, readGolden } from '../replay/golden.js';

/** Arguments of `douyin-live verify`. */
export interface VerifyArgs {
  file: string;
  expected: string;
  update: boolean;
}

/** What {@link verifyRecording} found. */
export interface VerifyResult {
  /** True when the output equals the golden (or the golden was just written). */
  readonly ok: boolean;
  /** The readable report: the diff, or a one-line confirmation. */
  readonly report: string;
  /** Lines the replay produced. */
  readonly lines: number;
}

/**
 * Replays `file` and compares its golden lines with the NDJSON file `expected`; with `update`, writes them there
 * instead. The logic of `douyin-live verify` and of the fixture tests.
 */
export async function verifyRecording(file: string, expected: string, update = false): Promise<VerifyResult> {
  const actual = await goldenLines(file);
  if (update) {
    await writeFile(expected, `${actual.join('\n')}\n`);
    return { ok: true, report: `wrote ${expected} (${actual.length} lines)`, lines: actual.length };
  }
  if (!existsSync(expected)) {
    throw new DouyinLiveError(
      ErrorCodes.INVALID_ARGUMENT,
      `no golden file ${expected} (run with --update to create it)`,
      { path: expected },
    );
  }
  const diff = diffGolden(await readGolden(expected), actual);
  return { ok: diff.equal, report: formatGoldenDiff(diff, expected, `replay of ${file}`), lines: actual.length };
}

/** Registers `verify`: the CI golden test. */
export function verifyCommand(ctx: CliContext) {
  return {
    command: 'verify <file>',
    describe: 'Replay a recording and compare its decoded output with a golden NDJSON file (exit 1 on a difference)',
    builder: (y: Argv) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'the .dyrec recording (first part)' })
        .option('expected', { type: 'string', demandOption: true, describe: 'the golden .ndjson file' })
        .option('update', { type: 'boolean', default: false, describe: 'write the golden file from this replay' })
        .example('$0 verify fixtures/busy-room.dyrec --expected fixtures/busy-room.golden.ndjson', 'in CI')
        .example('$0 verify session.dyrec --expected session.golden.ndjson --update', 'accept the new output'),
    handler: async (args: VerifyArgs) => {
      const result = await verifyRecording(args.file, args.expected, args.update);
      ctx.out(result.report);
      if (!result.ok) {
        throw new DouyinLiveError(
          ErrorCodes.RECORDING_INVALID,
          `the replay of ${args.file} differs from ${args.expected} (run with --update if the change is intended)`,
          { path: args.expected },
        );
      }
    },
  };
}
