// Installable packages: every packages/* is packed (`npm pack`) and installed into a blank project outside the
// repository, from the tarballs alone (plus the registry for rxjs, ws, yargs, ...). There, the README's first-bot
// snippet runs against the simulator (installed from its tarball too) and prints chat, and the public types of
// every package check in a strict consumer tsconfig (`node16`, `strict`, `skipLibCheck: false`). Packages added
// later are packed automatically; they only need a build (the root `build` script) like the others.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packTestGate, run } from './helpers.js';

const ROOT = resolve(__dirname, '../..');
const TSC = require.resolve('typescript/bin/tsc');
// Build, pack, an install from the registry, a type check and a 5 s simulated live, on a loaded machine.
const TIMEOUT_MS = 6 * 60_000;

interface PackedFile {
  path: string;
}
interface Packed {
  name: string;
  filename: string;
  files: PackedFile[];
}

const packageDirs = readdirSync(join(ROOT, 'packages'))
  .map((name) => join('packages', name))
  .filter((dir) => statSync(join(ROOT, dir, 'package.json'), { throwIfNoEntry: false })?.isFile() === true);

/**
 * The README's first bot, made to run against the simulator: the ```ts block under "## A first bot", with
 * the simulator's base URL as `endpoints` of its `connectLiveSession` call, after a prelude that starts the
 * simulator and before an epilogue that waits for the session to end.
 */
function firstBotAgainstSimulator(readme: string): string {
  const section = readme.split(/^## A first bot$/m)[1];
  const snippet = section === undefined ? undefined : /```ts\n([^]*?)```/.exec(section)?.[1];
  if (snippet === undefined) throw new Error('README.md has no ```ts block under "## A first bot"');
  const calls = snippet.split('connectLiveSession({').length - 1;
  if (calls !== 1) throw new Error(`the first bot should call connectLiveSession({ ... }) once, found ${calls}`);
  const prelude = [
    "import { startSimulator } from '@douyin-live/simulator';",
    // A short live whose viewers say hello, so a bot that answers greetings has something to print.
    'const sim = await startSimulator({',
    "  webRid: '261378947940',",
    "  scenario: { durationMs: 5_000, chatPerSecond: 10, chatLines: ['hello 主播', '主播 hello!', 'hello hello'] },",
    '});',
  ];
  const epilogue = ['await session.done;', 'await sim.close();'];
  const body = snippet.replace('connectLiveSession({', 'connectLiveSession({ endpoints: sim.httpUrl,');
  return [...prelude, body, ...epilogue].join('\n');
}

const gate = packTestGate();
if (!gate.run) {
  it.skip(`packed packages in a blank project (skipped: ${gate.why})`, () => undefined);
} else {
  let dir: string;
  let app: string;
  let packed: Packed[];
  beforeAll(async () => {
    // The pretest hook's build, which also drops compiled files whose source moved away (they would ship).
    const built = await run(process.execPath, ['scripts/ensure-installed.mjs'], ROOT);
    if (built.code !== 0) throw new Error(`the build failed:\n${built.stdout}\n${built.stderr}`);
    // Outside the repository, so nothing resolves through its node_modules or workspaces.
    dir = mkdtempSync(join(tmpdir(), 'douyin-live-pack-'));
    app = join(dir, 'app');
    const packs = await run(
      'npm',
      ['pack', ...packageDirs.map((d) => `./${d}`), '--pack-destination', dir, '--json'],
      ROOT,
    );
    if (packs.code !== 0) throw new Error(`npm pack failed:\n${packs.stderr}`);
    packed = JSON.parse(packs.stdout) as Packed[];
  }, TIMEOUT_MS);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('packs every package with its built entry points and nothing of its sources', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(
      packageDirs.map((d) => (JSON.parse(readFileSync(join(ROOT, d, 'package.json'), 'utf8')) as Packed).name).sort(),
    );
    for (const p of packed) {
      const paths = p.files.map((f) => f.path);
      expect({
        name: p.name,
        has: ['package.json', 'dist/index.js', 'dist/index.d.ts'].filter((f) => paths.includes(f)),
      }).toEqual({
        name: p.name,
        has: ['package.json', 'dist/index.js', 'dist/index.d.ts'],
      });
      expect({ name: p.name, extra: paths.filter((f) => f.startsWith('src/') || f.endsWith('.tsbuildinfo')) }).toEqual({
        name: p.name,
        extra: [],
      });
    }
    // The SDK ships the SDK: no simulator, no test kit, no page builders.
    const core = packed.find((p) => p.name === '@douyin-live/core');
    expect(core?.files.map((f) => f.path).filter((f) => /simulator|testing|pageFixtures/.test(f))).toEqual([]);
    expect(packed.find((p) => p.name === '@douyin-live/replay-cli')?.files.map((f) => f.path)).toContain(
      'bin/douyin-live.js',
    );
  });

  it(
    'installs from the tarballs into a blank project, where the first bot prints chat and the types check',
    async () => {
      const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        devDependencies: Record<string, string>;
      };
      mkdirSync(app);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'first-bot', private: true, type: 'module' }));
      const installed = await run(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          ...packed.map((p) => join(dir, p.filename)),
          // The consumer's own Node types, as any TypeScript project on Node has.
          `@types/node@${rootPkg.devDependencies['@types/node']}`,
        ],
        app,
      );
      if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);

      const bot = firstBotAgainstSimulator(readFileSync(join(ROOT, 'README.md'), 'utf8'));
      writeFileSync(join(app, 'bot.ts'), bot);
      // Every package's public surface, so each one's declarations are checked, not only what the bot uses.
      writeFileSync(join(app, 'surface.ts'), packed.map((p, i) => `export * as p${i} from '${p.name}';`).join('\n'));
      writeFileSync(
        join(app, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'node16',
            moduleResolution: 'node16',
            target: 'es2022',
            strict: true,
            skipLibCheck: false,
            types: ['node'],
            outDir: 'out',
          },
          files: ['bot.ts', 'surface.ts'],
        }),
      );
      const compiled = await run(process.execPath, [TSC, '-p', '.'], app);
      expect({ code: compiled.code, errors: compiled.stdout }).toEqual({ code: 0, errors: '' });

      const ran = await run(process.execPath, ['out/bot.js'], app);
      expect({ code: ran.code, stderr: ran.stderr }).toEqual({ code: 0, stderr: '' });
      // Every viewer line says hello; the bot may print more (how the session ended), so count only those.
      const greetings = ran.stdout.split('\n').filter((line) => line.includes('hello'));
      expect(greetings.length).toBeGreaterThan(5);

      const help = await run('npx', ['--no-install', 'douyin-live', '--help'], app);
      expect({ code: help.code, stderr: help.stderr }).toEqual({ code: 0, stderr: '' });
      expect(help.stdout).toMatch(/douyin-live watch/);
    },
    TIMEOUT_MS,
  );
}
