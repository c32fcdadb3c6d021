import yargs, { type CommandModule } from 'yargs';
import { isDouyinLiveError } from '@douyin-live/core';
import { decodeCommand } from './commands/decode.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { exportCommand } from './commands/export.js';
import { fleetCommand } from './commands/fleet.js';
import { importCommand } from './commands/import.js';
import { inspectCommand } from './commands/inspect.js';
import { recordCommand } from './commands/record.js';
import { relayCommand } from './commands/relay.js';
import { replayCommand } from './commands/replay.js';
import { serveCommand } from './commands/serve.js';
import { verifyCommand } from './commands/verify.js';
import { watchCommand } from './commands/watch.js';
import { processContext, type CliContext } from './context.js';
import { ExitStatus } from './exitStatus.js';

/** Every command of the CLI, in help order. */
function commands(ctx: CliContext): CommandModule[] {
  return [
    decodeCommand(ctx),
    demoCommand(ctx),
    watchCommand(ctx),
    doctorCommand(ctx),
    serveCommand(ctx),
    recordCommand(ctx),
    replayCommand(ctx),
    inspectCommand(ctx),
    exportCommand(ctx),
    verifyCommand(ctx),
    importCommand(ctx),
    relayCommand(ctx),
    fleetCommand(ctx),
  ] as unknown as CommandModule[];
}

/**
 * Runs the `douyin-live` CLI with the given arguments. Resolves with the exit code; errors are printed as one
 * line (no stack), with their code.
 */
export async function runCli(argv: readonly string[], ctx: CliContext = processContext()): Promise<number> {
  let exitCode = 0;
  const parser = yargs([...argv])
    .scriptName('douyin-live')
    .usage('$0 <command> [options]\n\nDouyin (抖音) live rooms from the command line.')
    .strict()
    .demandCommand(1, 'Name a command (see --help).')
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    // On a terminal, fit its width; piped help is not wrapped (hard wraps would cut words in two).
    .wrap(process.stdout.columns ? Math.min(120, process.stdout.columns) : null)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
  for (const c of commands(ctx)) parser.command(c);
  try {
    await parser.parseAsync();
  } catch (error) {
    // A command that printed its own conclusion (doctor's verdict) only sets the exit code.
    if (error instanceof ExitStatus) return error.code;
    exitCode = error instanceof UsageError ? 2 : 1;
    ctx.err(`douyin-live: ${describeError(error)}`);
    if (error instanceof UsageError) ctx.err('Run with --help for usage.');
  }
  return exitCode;
}

class UsageError extends Error {}

function describeError(error: unknown): string {
  if (isDouyinLiveError(error)) return `${error.message} [${error.code}]`;
  // Structural, not instanceof: errors from node's fs may come from another realm (vm contexts, jest).
  const e = error as Partial<NodeJS.ErrnoException> | null;
  if (e && typeof e === 'object' && typeof e.message === 'string') {
    return e.code === 'ENOENT' && e.path ? `no such file: ${e.path}` : e.message;
  }
  return String(error);
}
