import { readFileSync } from 'node:fs';

/** What commands need from the outside world; tests pass their own. */
export interface CliContext {
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
  /** Reads all of standard input. */
  readStdin(): Uint8Array;
  /** Whether stdout is a terminal (colours, status lines). */
  readonly colour: boolean;
  /** Resolves when the user asks to stop (Ctrl-C / SIGTERM); signals are caught only once this is called. */
  interrupted(): Promise<void>;
}

/** The real process: stdout, stderr, stdin, signals. */
export function processContext(): CliContext {
  let interrupted: Promise<void> | undefined;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin: () => readFileSync(0),
    colour: process.stdout.isTTY === true && !process.env['NO_COLOR'],
    interrupted: () =>
      (interrupted ??= new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      })),
  };
}
