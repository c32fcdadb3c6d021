#!/usr/bin/env node
// Runs every benchmark script `scripts/bench-*.mjs`, one after another, each in its own `node --expose-gc`
// child process (a fresh heap and JIT per script), and prints their output as it comes.
//
// Usage: npm run bench                  (builds first, then runs every bench script)
//        npm run bench -- decode        (only scripts whose name contains "decode")
//        node scripts/bench.mjs decode -- --quick   (arguments after `--` go to each bench script)
//
// New benchmarks need no registration: drop a `scripts/bench-<name>.mjs` next to this file. A script should
// print a human-readable report to stdout and exit non-zero on failure. Benchmarks import the built packages
// (`packages/*/dist`), so run `npm run build` first (`npm run bench` does).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const split = argv.indexOf('--');
const filters = split === -1 ? argv : argv.slice(0, split);
const passThrough = split === -1 ? [] : argv.slice(split + 1);

const scripts = readdirSync(here)
  .filter((name) => /^bench-.+\.mjs$/.test(name))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

if (scripts.length === 0) {
  console.error(`no bench scripts matched ${filters.length ? filters.join(', ') : 'scripts/bench-*.mjs'}`);
  process.exit(1);
}

const failed = [];
for (const name of scripts) {
  console.log(`\n=== ${name} ===\n`);
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['--expose-gc', join(here, name), ...passThrough], {
    stdio: 'inherit',
    cwd: join(here, '..'),
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.error || result.status !== 0) {
    failed.push(name);
    const why = result.error ? result.error.message : `exit ${result.status ?? result.signal}`;
    console.error(`\n${name} failed (${why}) after ${seconds.toFixed(1)} s`);
  } else {
    console.log(`\n${name} done in ${seconds.toFixed(1)} s`);
  }
}

if (failed.length > 0) {
  console.error(`\n${failed.length} of ${scripts.length} bench scripts failed: ${failed.join(', ')}`);
  process.exit(1);
}
