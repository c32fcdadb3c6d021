import type { CliContext } from '../../packages/replay-cli/src/context.js';

/** A CLI context for tests: keeps every line, feeds `stdin`, and is interrupted on demand (or by `interrupted`). */
export interface TestCliContext extends CliContext {
  /** Lines written to stdout. */
  readonly lines: string[];
  /** Lines written to stderr. */
  readonly errors: string[];
  /** Resolves `interrupted()`, as Ctrl-C would. */
  interrupt(): void;
  /** The first stdout line. */
  readonly firstLine: Promise<string>;
}

/** Creates a {@link TestCliContext}. */
export function testContext(options: { stdin?: Uint8Array; interrupted?: Promise<void> } = {}): TestCliContext {
  const lines: string[] = [];
  const errors: string[] = [];
  let interrupt: () => void = () => undefined;
  const own = new Promise<void>((resolve) => (interrupt = resolve));
  const interrupted = options.interrupted ? Promise.race([own, options.interrupted]) : own;
  let onLine: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (onLine = resolve));
  return {
    lines,
    errors,
    interrupt: () => interrupt(),
    firstLine,
    out: (line) => {
      lines.push(line);
      onLine(line);
    },
    err: (line) => errors.push(line),
    readStdin: () => options.stdin ?? new Uint8Array(0),
    colour: false,
    interrupted: () => interrupted,
  };
}
