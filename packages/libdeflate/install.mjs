// Builds build/libdeflate.node from native/libdeflate.c when the package is installed (its `install` script), with
// the machine's C compiler, Node's own Node-API headers and the system's libdeflate (Debian: `apt-get install
// libdeflate-dev`). Never fails the install: without a compiler, the headers or the library it says what is
// missing and stops, and @douyin-live/core inflates with Node's zlib as it does without this package.
//
//   node install.mjs            # build, or explain why not (exit 0 either way)
//   node install.mjs --strict   # the same, but exit 1 when the binding could not be built and loaded
//
// Environment: CC (default `cc`), DOUYIN_LIVE_NODE_INCLUDE (a folder holding node_api.h), CFLAGS and LDFLAGS
// (appended), DOUYIN_LIVE_SKIP_NATIVE=1 (build nothing).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const strict = process.argv.includes('--strict');
const target = join(here, 'build', 'libdeflate.node');

function giveUp(why) {
  process.stderr.write(
    `@douyin-live/libdeflate: not built (${why}); @douyin-live/core inflates with Node's zlib instead.\n` +
      '  To build it: a C compiler and libdeflate-dev (Debian/Ubuntu), then `npm rebuild @douyin-live/libdeflate`.\n',
  );
  process.exit(strict ? 1 : 0);
}

/** The folder with Node's node_api.h: the one this Node was installed with, or the usual system place. */
function nodeIncludeDir() {
  const candidates = [
    process.env.DOUYIN_LIVE_NODE_INCLUDE,
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ].filter((dir) => dir !== undefined && dir !== '');
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
}

if (process.env.DOUYIN_LIVE_SKIP_NATIVE === '1') giveUp('DOUYIN_LIVE_SKIP_NATIVE=1');
if (process.platform === 'win32') giveUp('Windows builds are not supported yet');
const include = nodeIncludeDir();
if (include === undefined) giveUp("Node's headers (node_api.h) were not found; set DOUYIN_LIVE_NODE_INCLUDE");

const cc = process.env.CC || 'cc';
// A loadable module whose Node-API symbols resolve against the running node when it is loaded.
const linkFlags = process.platform === 'darwin' ? ['-bundle', '-undefined', 'dynamic_lookup'] : ['-shared'];
const split = (flags) => (flags ?? '').split(/\s+/).filter((f) => f !== '');
const partial = `${target}.${process.pid}.tmp`;
mkdirSync(dirname(target), { recursive: true });
const args = [
  '-O2',
  '-fPIC',
  '-fvisibility=hidden',
  ...split(process.env.CFLAGS),
  `-I${include}`,
  join(here, 'native', 'libdeflate.c'),
  ...linkFlags,
  '-o',
  partial,
  ...split(process.env.LDFLAGS),
  '-ldeflate',
];
const built = spawnSync(cc, args, { encoding: 'utf8' });
if (built.error !== undefined || built.status !== 0) {
  rmSync(partial, { force: true });
  const detail =
    built.error?.message ??
    built.stderr
      .trim()
      .split('\n')
      .find((l) => /error/.test(l)) ??
    '';
  const missingLib = /libdeflate\.h|-ldeflate/.test(built.stderr ?? '');
  giveUp(missingLib ? 'libdeflate-dev is not installed' : `\`${cc}\` failed: ${detail}`);
}
// Load it before keeping it: a module that links but does not load (no libdeflate.so at run time) is no use.
// Node loads a file as an addon by its `.node` extension, so the probe is named like one.
const probe = `${partial}.node`;
try {
  renameSync(partial, probe);
  createRequire(import.meta.url)(probe);
  renameSync(probe, target);
} catch (e) {
  rmSync(partial, { force: true });
  rmSync(probe, { force: true });
  giveUp(`the built module does not load: ${e.message}`);
}
process.stdout.write(`@douyin-live/libdeflate: built ${target}\n`);
