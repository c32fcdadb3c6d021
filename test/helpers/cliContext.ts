import type { CliContext } from '../../packages/replay-cli/src/context.js';

/** A CLI context that records output, feeds `stdin`, and is interrupted on demand. */
export function testContext(stdin: Uint8Array = new Uint8Array(0)) {
  const out: string[] = [];
  const err: string[] = [];
  let interrupt: () => void = () => undefined;
  const interrupted = new Promise<void>((resolve) => (interrupt = resolve));
  let onLine: (line: string) => void = () => undefined;
  const ctx: CliContext = {
    out: (line) => {
      out.push(line);
      onLine(line);
    },
    err: (line) => err.push(line),
    readStdin: () => stdin,
    colour: false,
    interrupted: () => interrupted,
  };
  const firstLine = new Promise<string>((resolve) => (onLine = resolve));
  return { ctx, out, err, interrupt, firstLine };
}
