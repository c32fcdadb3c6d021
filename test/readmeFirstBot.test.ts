// The README's "A first bot", copied as a user would copy it, run with tsx against the simulator: it prints the
// hellos of a live room, and a room that does not exist ends it with one line and exit code 1, not a stack.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSimulator, type Simulator } from '@douyin-live/simulator';

const ROOT = resolve(__dirname, '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const FIRST_BOT = /## A first bot\n\n```ts\n([^]*?)```/.exec(README)?.[1];
/** The options object the snippet passes to connectLiveSession. */
const SESSION_OPTIONS = /connectLiveSession\(\{[^}]*\}\)/;

/** Runs the snippet with its room and endpoints replaced; `onOut` sees stdout so far after each chunk. */
async function runSnippet(
  room: string,
  endpoint: string,
  onOut: (out: string) => void = () => undefined,
): Promise<{ code: number | null; out: string; err: string }> {
  // Inside the repository (its tmp/ is git-ignored) so `rxjs` and the packages resolve as for the examples.
  mkdirSync(join(ROOT, 'tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'tmp/first-bot-'));
  try {
    // .mts: an ES module, as in a project with "type": "module" (the snippet uses import statements).
    const file = join(dir, 'bot.mts');
    writeFileSync(
      file,
      FIRST_BOT!.replace(SESSION_OPTIONS, `connectLiveSession({ room: '${room}', endpoints: '${endpoint}' })`),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      onOut(out);
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    return { code, out, err };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("README's first bot", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({
      // Endless: the live ends when the test ends it, however long the bot takes to start.
      scenario: { seed: 4, tickMs: 20, chatPerSecond: 50, chatLines: ['hello 主播', '666'] },
    });
  });
  afterAll(() => sim.close());

  it('is there, with a connectLiveSession call to point at the simulator', () => {
    expect(FIRST_BOT).toMatch(SESSION_OPTIONS);
  });

  it('prints the hellos of a live room and exits 0 when the live ends', async () => {
    const run = await runSnippet('261378947940', sim.httpUrl, (out) => {
      if (/said hello\n/.test(out) && !sim.liveEnded()) sim.endLive();
    });
    expect(run.out).toMatch(/said hello\n/);
    expect(run.code).toBe(0);
  });

  it('ends on a missing room with one line and exit code 1: no unhandled error, no stack', async () => {
    const run = await runSnippet('no-such-room', sim.httpUrl);
    expect(run.err.trim()).toBe('! ROOM_NOT_FOUND: room no-such-room does not exist (HTTP 404)');
    expect(run.code).toBe(1);
  });
});
