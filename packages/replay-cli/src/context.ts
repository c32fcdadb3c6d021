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
  /**
   * Resolves when the user asks to stop (Ctrl-C / SIGTERM) or stdout's reader went away (`| head`); signals are
   * caught only once this is called.
   */
  interrupted(): Promise<void>;
}

/**
 * Watches a standard stream for its reader going away (`| head` exits: EPIPE). After that, lines are dropped
 * instead of raising an unhandled 'error' with a stack; `gone` resolves so a running command can stop.
 */
function guardOutput(stream: NodeJS.WriteStream, name: string): { write(line: string): void; gone: Promise<void> } {
  let open = true;
  let markGone: () => void = () => undefined;
  const gone = new Promise<void>((resolve) => (markGone = resolve));
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (!open) return;
    open = false;
    // Any other failure (a full disk behind a redirect) must not pass for success.
    if (error.code !== 'EPIPE') {
      process.exitCode = 1;
      if (stream !== process.stderr) process.stderr.write(`douyin-live: ${name}: ${error.message}\n`);
    }
    markGone();
  });
  return {
    write: (line) => {
      if (open) stream.write(`${line}\n`);
    },
    gone,
  };
}

/** The real process: stdout, stderr, stdin, signals; a closed stdout stops a command as Ctrl-C does. */
export function processContext(): CliContext {
  let interrupted: Promise<void> | undefined;
  const stdout = guardOutput(process.stdout, 'stdout');
  const stderr = guardOutput(process.stderr, 'stderr');
  return {
    out: stdout.write,
    err: stderr.write,
    readStdin: () => readFileSync(0),
    colour: process.stdout.isTTY === true && !process.env['NO_COLOR'],
    interrupted: () =>
      (interrupted ??= Promise.race([
        stdout.gone,
        new Promise<void>((resolve) => {
          process.once('SIGINT', () => resolve());
          process.once('SIGTERM', () => resolve());
        }),
      ])),
  };
}
