// The `prestart` / `pretest` hook that lets the README's quick start be two commands on a fresh clone: installs
// exactly what package-lock.json says (`npm ci`) when node_modules is missing or no longer matches it, then
// builds the packages (`tsc -b` is incremental: a no-op when dist/ is current), so `npm start`, `npm test` and
// `npx douyin-live` work with nothing typed before them. Before building it deletes compiled files whose source
// is gone (`tsc` never does), so a moved module cannot linger in dist/ and ship in a tarball. Node built-ins
// only: nothing is installed yet.
//
//   node scripts/ensure-installed.mjs [--no-build]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = !process.argv.includes('--no-build');

/**
 * Why node_modules must be (re)installed, or `undefined` when it matches the lockfile: npm writes what it
 * installed to node_modules/.package-lock.json, so every package the lockfile requires (optional ones are
 * platform-specific and may be absent) must be there at the same version, and every workspace link at the same
 * place.
 */
function installNeeded() {
  const hiddenPath = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(hiddenPath)) return 'node_modules is missing';
  const wanted = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  const installed = JSON.parse(readFileSync(hiddenPath, 'utf8')).packages ?? {};
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === '' || entry.optional === true) continue;
    const have = installed[path];
    if (have === undefined) return `${path} is not installed`;
    const same = entry.link === true ? have.resolved === entry.resolved : have.version === entry.version;
    // A workspace (`packages/x`) also carries its dependencies and bins, which change without a version bump.
    const sameWorkspace =
      path.startsWith('node_modules/') ||
      JSON.stringify([entry.dependencies, entry.bin]) === JSON.stringify([have.dependencies, have.bin]);
    if (!same || !sameWorkspace) return `${path} does not match package-lock.json`;
  }
  return undefined;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`ensure-installed: \`${command} ${args.join(' ')}\` failed\n`);
    process.exit(result.status ?? 1);
  }
}

/** Compiled outputs of one source file, by suffix; the source is `src/<base>.ts`. */
const OUTPUT_SUFFIXES = ['.d.ts.map', '.d.ts', '.js.map', '.js'];

/** Deletes dist/ files of every package whose `src/*.ts` no longer exists, and the folders that leaves empty. */
function pruneStaleOutputs() {
  const packages = join(root, 'packages');
  for (const name of readdirSync(packages)) {
    const dist = join(packages, name, 'dist');
    const src = join(packages, name, 'src');
    if (existsSync(dist) && existsSync(src)) prune(dist, src);
  }
}

/** Returns whether `dir` is empty afterwards. */
function prune(dir, srcDir) {
  let left = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (prune(path, join(srcDir, entry.name))) rmdirSync(path);
      else left++;
      continue;
    }
    const suffix = OUTPUT_SUFFIXES.find((s) => entry.name.endsWith(s));
    const base = suffix === undefined ? undefined : entry.name.slice(0, -suffix.length);
    if (base !== undefined && !existsSync(join(srcDir, `${base}.ts`))) {
      rmSync(path);
      continue;
    }
    left++;
  }
  return left === 0;
}

const reason = installNeeded();
if (reason !== undefined) {
  process.stderr.write(`ensure-installed: ${reason}; running npm ci (once; about a minute)\n`);
  run('npm', ['ci', '--no-audit', '--no-fund']);
}
if (build) {
  pruneStaleOutputs();
  run('npm', ['run', 'build', '--silent']);
}
