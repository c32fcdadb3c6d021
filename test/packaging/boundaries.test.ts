// What each package may import, checked on every import of its sources (static, `export ... from`, dynamic):
// its own src/, `node:` built-ins and the dependencies its package.json declares, nothing else. So
// `@douyin-live/core` (the SDK a bot installs) can never pull in the simulator or the test kit, and every
// package installs from its tarball with what it declares. eslint's no-restricted-imports says the same in the
// editor; this test also covers imports a glob pattern cannot see (a relative path climbing out of src/).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const PACKAGES = resolve(__dirname, '../../packages');

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** The package name a bare specifier refers to (`rxjs/operators` → `rxjs`, `@a/b/c` → `@a/b`). */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/**
 * Every import that breaks the package's boundary, as `file: specifier (why)`; `sources` defaults to the files
 * of the package's src/ (a test passes its own to prove the check fails).
 */
function violations(packageDir: string, sources?: ReadonlyMap<string, string>): string[] {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as PackageJson;
  const allowed = new Set([
    pkg.name,
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const src = join(packageDir, 'src');
  const files = sources ?? new Map(sourceFiles(src).map((file) => [file, readFileSync(file, 'utf8')]));
  const out: string[] = [];
  for (const [file, text] of files) {
    const { importedFiles } = ts.preProcessFile(text, true, true);
    for (const { fileName: specifier } of importedFiles) {
      const where = `${relative(PACKAGES, file)}: ${specifier}`;
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier);
        if (target !== src && !target.startsWith(src + sep)) out.push(`${where} (outside src/)`);
      } else if (specifier.startsWith('node:')) {
        continue;
      } else if (!allowed.has(packageOf(specifier))) {
        out.push(`${where} (not a dependency of ${pkg.name})`);
      }
    }
  }
  return out;
}

const packageDirs = readdirSync(PACKAGES)
  .map((name) => join(PACKAGES, name))
  .filter((dir) => statSync(join(dir, 'package.json'), { throwIfNoEntry: false })?.isFile() === true);

it('finds the packages, including the SDK, the simulator and the test kit', () => {
  expect(packageDirs.map((dir) => relative(PACKAGES, dir))).toEqual(
    expect.arrayContaining(['core', 'simulator', 'testing', 'recorder', 'replay-cli']),
  );
});

it.each(packageDirs.map((dir) => [relative(PACKAGES, dir), dir]))(
  '%s imports only its own sources, node: built-ins and its declared dependencies',
  (_name, dir) => {
    expect(violations(dir)).toEqual([]);
  },
);

it('keeps @douyin-live/core free of every other @douyin-live package but its optional inflater', () => {
  const core = JSON.parse(readFileSync(join(PACKAGES, 'core/package.json'), 'utf8')) as PackageJson;
  expect(Object.keys(core.dependencies ?? {}).filter((name) => name.startsWith('@douyin-live/'))).toEqual([]);
  expect(Object.keys(core.peerDependencies ?? {}).filter((name) => name.startsWith('@douyin-live/'))).toEqual([]);
  // The one exception: the libdeflate binding, optional (core works without it) and itself free of dependencies.
  expect(core.optionalDependencies).toEqual({ '@douyin-live/libdeflate': '0.1.0' });
  const native = JSON.parse(readFileSync(join(PACKAGES, 'libdeflate/package.json'), 'utf8')) as PackageJson;
  expect([native.dependencies, native.peerDependencies, native.optionalDependencies]).toEqual([
    undefined,
    undefined,
    undefined,
  ]);
});

it('reports an import of the simulator or the test kit from core (the check can fail)', () => {
  const file = join(PACKAGES, 'core/src/session/bad.ts');
  const text = [
    "import { startSimulator } from '@douyin-live/simulator';",
    "export { scenario } from '../../../testing/src/index.js';",
    "const kit = await import('@douyin-live/testing');",
    "import { Observable } from 'rxjs';",
    "import { toUser } from '../messages/user.js';",
  ].join('\n');
  expect(violations(join(PACKAGES, 'core'), new Map([[file, text]]))).toEqual([
    'core/src/session/bad.ts: @douyin-live/simulator (not a dependency of @douyin-live/core)',
    'core/src/session/bad.ts: ../../../testing/src/index.js (outside src/)',
    'core/src/session/bad.ts: @douyin-live/testing (not a dependency of @douyin-live/core)',
  ]);
});
