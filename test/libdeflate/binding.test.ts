// @douyin-live/libdeflate: its install script (a real build with the machine's compiler, and what it says when it
// cannot build), the binding's contract (exact bytes, -1 for anything but a stream that ends where its input ends,
// typed errors for bad arguments, one decompressor per thread), and core finding it through its optional dependency.
// Where a C compiler and libdeflate-dev are present (CI installs them: .ci/run), the binding must have been built.
import { libdeflate, type LibdeflateBinding } from '@douyin-live/libdeflate';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { deflateRawSync } from 'node:zlib';

const ROOT = resolve(__dirname, '../..');
const PACKAGE = join(ROOT, 'packages/libdeflate');

/** Whether this machine can build the binding: a C compiler, libdeflate's header and Node's. */
function toolchain(): { ok: boolean; why: string } {
  if (spawnSync('cc', ['--version']).status !== 0) return { ok: false, why: 'no C compiler (cc)' };
  if (!existsSync('/usr/include/libdeflate.h')) return { ok: false, why: 'no libdeflate-dev' };
  const include = join(dirname(process.execPath), '..', 'include', 'node', 'node_api.h');
  if (!existsSync(include) && !existsSync('/usr/include/node/node_api.h')) return { ok: false, why: 'no node_api.h' };
  return { ok: true, why: '' };
}

const tools = toolchain();
const binding: LibdeflateBinding | undefined = libdeflate.available ? libdeflate.binding : undefined;
const itBuilt = binding === undefined ? it.skip : it;

function text(bytes: number, seed = 1): Buffer {
  const words = ['WebcastChatMessage', 'nickname', '主播', 'https://p3.douyinpic.com/img/', 'gift', 'combo'];
  const parts: string[] = [];
  let x = seed;
  for (let n = 0; n < bytes;) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const w = `${words[x % words.length]}${x % 1000}`;
    parts.push(w);
    n += Buffer.byteLength(w);
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

function runInstall(env: NodeJS.ProcessEnv, args: string[] = [], cwd = PACKAGE) {
  return spawnSync(process.execPath, [join(cwd, 'install.mjs'), ...args], {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
}

describe('install.mjs', () => {
  (tools.ok ? it : it.skip)(
    tools.ok ? 'built the binding here, where a C compiler and libdeflate-dev are' : `built the binding (${tools.why})`,
    () => {
      expect(libdeflate).toEqual({ available: true, binding: expect.anything() });
    },
  );

  (tools.ok ? it : it.skip)('builds a loadable binding from a copy of the package', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libdeflate-build-'));
    try {
      cpSync(join(PACKAGE, 'install.mjs'), join(dir, 'install.mjs'));
      cpSync(join(PACKAGE, 'native'), join(dir, 'native'), { recursive: true });
      const built = runInstall({}, ['--strict'], dir);
      expect({ status: built.status, stderr: built.stderr }).toEqual({ status: 0, stderr: '' });
      const loaded = spawnSync(
        process.execPath,
        ['-e', `console.log(require(${JSON.stringify(join(dir, 'build/libdeflate.node'))}).libdeflateVersion)`],
        { encoding: 'utf8' },
      );
      expect(loaded.stdout.trim()).toMatch(/^\d+\.\d+/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never fails an install: without a compiler it says so, and that core keeps zlib', () => {
    const r = runInstall({ CC: '/nonexistent/cc' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('@douyin-live/libdeflate: not built (`/nonexistent/cc` failed');
    expect(r.stderr).toContain("@douyin-live/core inflates with Node's zlib instead");
  });

  it('names libdeflate-dev when the compiler cannot find it, and fails with --strict', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libdeflate-cc-'));
    try {
      const cc = join(dir, 'cc');
      writeFileSync(
        cc,
        '#!/bin/sh\necho "native/libdeflate.c:13:10: fatal error: libdeflate.h: No such file or directory" >&2\nexit 1\n',
      );
      chmodSync(cc, 0o755);
      const r = runInstall({ CC: cc }, ['--strict']);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('not built (libdeflate-dev is not installed)');
      expect(r.stderr).toContain('npm rebuild @douyin-live/libdeflate');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('builds nothing when DOUYIN_LIVE_SKIP_NATIVE=1', () => {
    const r = runInstall({ DOUYIN_LIVE_SKIP_NATIVE: '1' }, ['--strict']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not built (DOUYIN_LIVE_SKIP_NATIVE=1)');
  });
});

describe('the package', () => {
  it('loads without its binding, saying it was not built and how to build it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'libdeflate-unbuilt-'));
    try {
      cpSync(join(PACKAGE, 'package.json'), join(dir, 'package.json'));
      cpSync(join(PACKAGE, 'dist'), join(dir, 'dist'), { recursive: true });
      const r = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { libdeflate } from ${JSON.stringify(join(dir, 'dist/index.js'))}; console.log(JSON.stringify(libdeflate));`,
        ],
        { encoding: 'utf8' },
      );
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({
        available: false,
        reason:
          'not built when it was installed (see its install output, or run `npm rebuild @douyin-live/libdeflate`)',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the binding', () => {
  itBuilt('inflates raw deflate to the exact bytes and count, at every level and size', () => {
    for (const size of [0, 1, 100, 4096, 9000, 70_000]) {
      for (const level of [0, 1, 6, 9]) {
        const body = text(size, size + level);
        const raw = deflateRawSync(body, { level });
        const out = Buffer.alloc(size + 1, 0xee);
        expect(binding!.inflateRawInto(raw, 0, raw.length, out, size + 1)).toBe(size);
        expect(out.subarray(0, size).equals(body)).toBe(true);
        expect(out[size]).toBe(0xee);
      }
    }
  });

  itBuilt('reads and writes through views: the range of a larger input, the start of a subarray output', () => {
    const body = text(5000, 7);
    const raw = deflateRawSync(body);
    const input = Buffer.concat([Buffer.from('0123456789'), raw, Buffer.from('trailer!')]);
    const backing = Buffer.alloc(6000, 0);
    const output = backing.subarray(100, 100 + 5001);
    expect(binding!.inflateRawInto(input.subarray(3), 7, raw.length, output, 5001)).toBe(5000);
    expect(backing.subarray(100, 5100).equals(body)).toBe(true);
    expect(backing[99]).toBe(0);
  });

  itBuilt('returns -1 for truncated or corrupt streams, too little room, and bytes after the last block', () => {
    const body = text(3000, 3);
    const raw = deflateRawSync(body);
    const out = Buffer.alloc(4000);
    expect(binding!.inflateRawInto(raw, 0, raw.length - 1, out, 3001)).toBe(-1);
    expect(binding!.inflateRawInto(Buffer.concat([raw, Buffer.from([0])]), 0, raw.length + 1, out, 3001)).toBe(-1);
    expect(binding!.inflateRawInto(raw, 0, raw.length, out, 2999)).toBe(-1);
    expect(binding!.inflateRawInto(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4, out, 100)).toBe(-1);
    expect(binding!.inflateRawInto(raw, 0, 0, out, 100)).toBe(-1);
    // And it still works afterwards.
    expect(binding!.inflateRawInto(raw, 0, raw.length, out, 3001)).toBe(3000);
  });

  itBuilt('throws typed errors for arguments of the wrong type or outside their arrays', () => {
    const raw = deflateRawSync(text(100));
    const out = Buffer.alloc(200);
    const call = (...args: unknown[]) => {
      try {
        (binding!.inflateRawInto as (...a: unknown[]) => number)(...args);
        return 'no error';
      } catch (e) {
        return `${(e as Error).constructor.name} ${(e as { code?: string }).code}: ${(e as Error).message}`;
      }
    };
    expect(call('abc', 0, 3, out, 10)).toBe('TypeError ERR_INVALID_ARG_TYPE: input must be a Uint8Array');
    expect(call(raw, 0, raw.length, new Uint16Array(4), 4)).toBe(
      'TypeError ERR_INVALID_ARG_TYPE: output must be a Uint8Array',
    );
    expect(call(raw, -1, 3, out, 10)).toBe('RangeError ERR_OUT_OF_RANGE: inOffset is outside the input');
    expect(call(raw, 0.5, 3, out, 10)).toBe('RangeError ERR_OUT_OF_RANGE: inOffset is outside the input');
    expect(call(raw, raw.length + 1, 0, out, 10)).toBe('RangeError ERR_OUT_OF_RANGE: inOffset is outside the input');
    expect(call(raw, 1, raw.length, out, 10)).toBe('RangeError ERR_OUT_OF_RANGE: inLength runs past the input');
    expect(call(raw, 0, raw.length, out, 201)).toBe('RangeError ERR_OUT_OF_RANGE: outLength is larger than the output');
    expect(call(raw, 0, Number.NaN, out, 10)).toBe('RangeError ERR_OUT_OF_RANGE: inLength runs past the input');
    expect(call(raw, 0, raw.length)).toMatch(/^TypeError ERR_MISSING_ARGS/);
  });

  itBuilt('works in worker threads beside the main thread, each with its own decompressor', async () => {
    const body = text(20_000, 5);
    const raw = deflateRawSync(body);
    const script = `
      const { parentPort, workerData } = require('node:worker_threads');
      const b = require(workerData.path);
      const out = Buffer.alloc(workerData.size + 1);
      let ok = 0;
      for (let i = 0; i < 200; i++) if (b.inflateRawInto(workerData.raw, 0, workerData.raw.length, out, out.length) === workerData.size) ok++;
      parentPort.postMessage({ ok, same: Buffer.compare(out.subarray(0, workerData.size), Buffer.from(workerData.body)) === 0 });
    `;
    const path = join(PACKAGE, 'build/libdeflate.node');
    const results = await Promise.all(
      [1, 2].map(
        () =>
          new Promise<unknown>((done, fail) => {
            const w = new Worker(script, { eval: true, workerData: { path, raw, body, size: body.length } });
            w.once('message', (m) => {
              done(m);
              void w.terminate();
            });
            w.once('error', fail);
          }),
      ),
    );
    const out = Buffer.alloc(body.length + 1);
    for (let i = 0; i < 50; i++) expect(binding!.inflateRawInto(raw, 0, raw.length, out, out.length)).toBe(body.length);
    expect(results).toEqual([
      { ok: 200, same: true },
      { ok: 200, same: true },
    ]);
  });
});

describe('core finds it', () => {
  /** What the built `@douyin-live/core` says it inflates with, in a fresh node started in `cwd`. */
  function inUse(env: NodeJS.ProcessEnv, cwd = ROOT, flags: string[] = []): unknown {
    const r = spawnSync(
      process.execPath,
      [
        ...flags,
        '--input-type=module',
        '-e',
        "import { inflaterInUse } from '@douyin-live/core'; console.log(JSON.stringify(inflaterInUse()));",
      ],
      { cwd, env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as unknown;
  }

  /**
   * A project whose node_modules links core, rxjs and ws from this repository, and `libdeflate` (a package folder
   * of its own, or nothing) as @douyin-live/libdeflate; node runs there with --preserve-symlinks, so core resolves
   * its optional dependency from the project, as in a bot's install.
   */
  function inProject(libdeflatePackage: Record<string, string> | undefined): unknown {
    const dir = mkdtempSync(join(tmpdir(), 'libdeflate-project-'));
    try {
      const scope = join(dir, 'node_modules/@douyin-live');
      mkdirSync(scope, { recursive: true });
      symlinkSync(join(ROOT, 'packages/core'), join(scope, 'core'));
      for (const dep of ['rxjs', 'ws', 'tslib']) {
        const from = join(ROOT, 'node_modules', dep);
        if (existsSync(from)) symlinkSync(from, join(dir, 'node_modules', dep));
      }
      if (libdeflatePackage !== undefined) {
        mkdirSync(join(scope, 'libdeflate'));
        for (const [name, text] of Object.entries(libdeflatePackage))
          writeFileSync(join(scope, 'libdeflate', name), text);
      }
      return inUse({}, dir, ['--preserve-symlinks']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('keeps zlib, saying so, where @douyin-live/libdeflate is not installed', () => {
    expect(inProject(undefined)).toEqual({ name: 'zlib', reason: '@douyin-live/libdeflate is not installed' });
  });

  it('keeps zlib with the package’s own reason where its binding was not built', () => {
    const reason = 'not built when it was installed (see its install output)';
    expect(
      inProject({
        'package.json': JSON.stringify({ name: '@douyin-live/libdeflate', type: 'module', main: 'index.js' }),
        'index.js': `export const libdeflate = { available: false, reason: ${JSON.stringify(reason)} };`,
      }),
    ).toEqual({ name: 'zlib', reason });
  });

  it('keeps zlib where the package throws as it loads', () => {
    expect(
      inProject({
        'package.json': JSON.stringify({ name: '@douyin-live/libdeflate', type: 'module', main: 'index.js' }),
        'index.js': "throw new Error('broken on purpose');",
      }),
    ).toEqual({ name: 'zlib', reason: '@douyin-live/libdeflate does not load: broken on purpose' });
  });

  itBuilt('through its optional dependency, with no code in the bot', () => {
    expect(inUse({})).toEqual({ name: 'libdeflate', version: binding!.libdeflateVersion });
  });

  it('keeps zlib when DOUYIN_LIVE_INFLATE=zlib, and says why', () => {
    expect(inUse({ DOUYIN_LIVE_INFLATE: 'zlib' })).toEqual({ name: 'zlib', reason: 'DOUYIN_LIVE_INFLATE=zlib' });
  });
});
