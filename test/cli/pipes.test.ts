// `douyin-live ... | head`: the real CLI in a child process (through tsx, from source) whose stdout reader goes
// away early. Every command must stop quietly: exit 0, nothing on stderr that looks like a stack.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startSimulator, type Simulator } from '@douyin-live/simulator';

const ROOT = resolve(__dirname, '../..');
const BIN = 'packages/replay-cli/src/bin.ts';
const BUSY = 'fixtures/busy-room.dyrec';

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What the reader got before it went away. */
  read: string;
  stderr: string;
}

/**
 * Runs the CLI with stdout into a pipe whose reader keeps `lines` lines and then closes its end, as `head -n`
 * does (`lines` 0: the reader is gone before the command writes anything).
 */
function runPiped(args: string[], lines: number): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let read = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  if (lines === 0) child.stdout.destroy();
  else
    child.stdout.on('data', (chunk: Buffer) => {
      read += chunk.toString('utf8');
      if (read.split('\n').length > lines) {
        read = read.split('\n').slice(0, lines).join('\n');
        child.stdout.destroy();
      }
    });
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, read, stderr })));
}

/** No unhandled error, no stack frames. */
function expectQuiet(run: Run): void {
  expect(run.stderr).not.toMatch(/EPIPE|Unhandled|^\s+at /m);
  expect(run).toMatchObject({ code: 0, signal: null });
}

describe('commands whose stdout reader goes away', () => {
  it('replay --speed max | head -1', async () => {
    const run = await runPiped(['replay', BUSY, '--speed', 'max', '--format', 'jsonl'], 1);
    expect(JSON.parse(run.read)).toMatchObject({ method: expect.stringMatching(/^Webcast/) });
    expectQuiet(run);
  });

  it('export -o - | head -1', async () => {
    const run = await runPiped(['export', BUSY, '--format', 'jsonl', '-o', '-'], 1);
    expect(JSON.parse(run.read)).toMatchObject({ ms: expect.any(Number), method: expect.stringMatching(/^Webcast/) });
    expectQuiet(run);
  });

  it('export -o - into a reader that is already gone', async () => {
    expectQuiet(await runPiped(['export', BUSY, '--format', 'csv', '-o', '-'], 0));
  });

  it('inspect into a reader that is already gone (its few lines would otherwise fit in the pipe)', async () => {
    expectQuiet(await runPiped(['inspect', BUSY], 0));
  });

  describe('against the simulator', () => {
    let sim: Simulator;
    beforeAll(async () => {
      sim = await startSimulator({ scenario: { seed: 5, tickMs: 20, chatPerSecond: 50 } });
    });
    afterAll(() => sim.close());

    it('watch | head -2 stops the live session and exits 0 (it would run forever otherwise)', async () => {
      const run = await runPiped(['watch', '261378947940', '--endpoint', sim.httpUrl, '--json'], 2);
      expect(run.read.split('\n').map((l) => JSON.parse(l) as unknown)).toHaveLength(2);
      expectQuiet(run);
    });
  });
});
