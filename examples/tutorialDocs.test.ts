// Keeps docs/writing-a-bot.md honest: quoted files are quoted exactly, and every other TypeScript block
// type-checks against the real packages with the repository's own compiler options.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const DOC = readFileSync(join(ROOT, 'docs/writing-a-bot.md'), 'utf8');

/** The doc's ```ts blocks, each with the file it says it quotes (from a `<!-- quote: path -->` line above it). */
const blocks = [...DOC.matchAll(/(?:<!-- quote: (\S+) -->\n)?```ts\n([^]*?)```/g)].map((m) => ({
  quotes: m[1],
  code: m[2]!,
}));

it('quotes examples/tutorialBot.ts and its test exactly', () => {
  const quoted = blocks.filter((b) => b.quotes !== undefined);
  expect(quoted.map((b) => b.quotes)).toEqual(['examples/tutorialBot.ts', 'examples/tutorialBot.test.ts']);
  for (const b of quoted) expect(b.code).toBe(readFileSync(join(ROOT, b.quotes!), 'utf8'));
});

it('has code blocks that compile', () => {
  const snippets = blocks.filter((b) => b.quotes === undefined);
  expect(snippets.length).toBeGreaterThanOrEqual(4);

  const configPath = join(ROOT, 'tsconfig.json');
  const config = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, ROOT);
  // Each snippet is a module of its own in examples/, so package names resolve as they do for the examples.
  const files = new Map(snippets.map((b, i) => [join(ROOT, 'examples', `__doc_snippet_${i + 1}.ts`), b.code]));
  const host = ts.createCompilerHost(config.options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, languageVersion, ...rest) =>
    files.has(f)
      ? ts.createSourceFile(f, files.get(f)!, languageVersion, true)
      : getSourceFile.call(host, f, languageVersion, ...rest);

  const program = ts.createProgram({ rootNames: [...files.keys()], options: config.options, host });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.has(d.file.fileName))
    .map((d) => {
      const where = d.file
        ? `${d.file.fileName.slice(dirname(ROOT).length)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
        : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
  expect(problems).toEqual([]);
});
