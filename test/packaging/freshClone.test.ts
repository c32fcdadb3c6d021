// The README's quick start, taken literally: on a fresh clone of the commit under test, with nothing typed
// before, `npm start` prints chat from the simulator, `npx douyin-live --help` works, and `npm test` passes.
// This is the one test that pays for a real `npm ci` (better-sqlite3 compiles from source: about a minute),
// so it runs on CI (`CI` set, as CI services do) or when asked (`DOUYIN_LIVE_SLOW_TESTS=1`), and says so
// loudly when it does not. Inside the clone, the slow packaging tests skip themselves (this commit's outer run
// is theirs); every other test runs there.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freshCloneTestGate, run } from './helpers.js';

const ROOT = resolve(__dirname, '../..');
// npm ci + build + the 20 s demo + the whole suite, on a loaded 2-core machine.
const TIMEOUT_MS = 15 * 60_000;

const gate = freshCloneTestGate();
if (!gate.run) {
  it.skip(`fresh clone quick start (skipped: ${gate.why})`, () => undefined);
} else {
  let dir: string;
  let clone: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'douyin-live-clone-'));
    clone = join(dir, 'douyin-live');
    const isRepo = await run('git', ['rev-parse', '--is-inside-work-tree'], ROOT);
    if (isRepo.code === 0) {
      const cloned = await run('git', ['clone', '-q', ROOT, clone], dir);
      expect(cloned).toMatchObject({ code: 0, stderr: '' });
    } else {
      // A CI checkout without .git: the same tree without anything installed or built is what a clone gives.
      cpSync(ROOT, clone, { recursive: true, filter: (from) => !/[/\\](node_modules|dist|\.git)$/.test(from) });
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'npm start prints chat, npx douyin-live --help works, npm test passes — nothing typed before',
    async () => {
      const start = await run('npm', ['start'], clone);
      if (start.code !== 0) throw new Error(`npm start failed (${start.code}):\n${start.stdout}\n${start.stderr}`);
      // The first run installs (the hook says why) and the demo prints the simulated room's chat to its end.
      expect(start.stderr).toMatch(/ensure-installed: node_modules is missing; running npm ci/);
      const chat = start.stdout.split('\n').filter((line) => line.startsWith('💬 '));
      expect(chat.length).toBeGreaterThan(10);
      expect(start.stdout).toMatch(/live ended/);

      const help = await run('npx', ['douyin-live', '--help'], clone);
      expect(help).toMatchObject({ code: 0 });
      for (const command of ['watch', 'serve', 'record', 'replay', 'demo']) {
        expect(help.stdout).toMatch(new RegExp(`douyin-live ${command}\\b`));
      }

      const test = await run('npm', ['test'], clone, { DOUYIN_LIVE_INSIDE_FRESH_CLONE: '1' });
      if (test.code !== 0) throw new Error(`npm test failed in the clone:\n${test.stdout}\n${test.stderr}`);
      // The hook found node_modules current (no second install) and jest ran the suites.
      expect(test.stderr).not.toMatch(/running npm ci/);
      expect(test.stderr).toMatch(/Tests: +(\d+ skipped, )?\d+ passed/);
      process.stderr.write(
        `fresh clone: npm start ${(start.ms / 1000).toFixed(0)} s (install, build, demo), ` +
          `npm test ${(test.ms / 1000).toFixed(0)} s\n`,
      );
    },
    TIMEOUT_MS,
  );
}
