// The replay commands end to end through runCli: replay, inspect, export, verify (and its readable diff), help,
// and the errors a user sees for a file that is not a recording or is cut short.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yargs, { type CommandModule } from 'yargs';
import { runCli } from '@douyin-live/replay-cli';
import { exportCommand } from '../../packages/replay-cli/src/commands/export.js';
import { importCommand } from '../../packages/replay-cli/src/commands/import.js';
import { inspectCommand } from '../../packages/replay-cli/src/commands/inspect.js';
import { replayCommand } from '../../packages/replay-cli/src/commands/replay.js';
import { serveCommand } from '../../packages/replay-cli/src/commands/serve.js';
import { verifyCommand } from '../../packages/replay-cli/src/commands/verify.js';
import { csvField, diffGolden, formatGoldenDiff } from '@douyin-live/replay-cli';
import { fixture, testContext } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dyrec-cli-replay-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COMMANDS = {
  replay: replayCommand,
  inspect: inspectCommand,
  export: exportCommand,
  verify: verifyCommand,
  import: importCommand,
  serve: serveCommand,
};

describe('--help', () => {
  it.each(Object.keys(COMMANDS))('%s --help describes the command', async (name) => {
    // yargs' parse callback captures the help text instead of printing it and exiting the process.
    const help = await new Promise<string>((resolve, reject) =>
      yargs()
        .scriptName('douyin-live')
        .command(COMMANDS[name as keyof typeof COMMANDS](testContext()) as unknown as CommandModule)
        .help()
        .parse([name, '--help'], {}, (error: Error | undefined, _argv: unknown, output: string) =>
          error ? reject(error) : resolve(output),
        ),
    );
    expect(help).toMatch(new RegExp(`douyin-live ${name}`));
    expect(help).toMatch(/Examples:/);
  });
});

describe('douyin-live replay', () => {
  it('prints the messages of a recording as JSON lines, filtered by --only', async () => {
    const ctx = testContext();
    const code = await runCli(
      ['replay', fixture('busy-room'), '--speed', 'max', '--only', 'chat', '--format', 'jsonl'],
      ctx,
    );
    expect(code).toBe(0);
    const methods = ctx.lines.map((l) => (JSON.parse(l) as { method: string }).method);
    expect(methods.length).toBeGreaterThan(20);
    expect(new Set(methods)).toEqual(new Set(['WebcastChatMessage']));
    expect(JSON.parse(ctx.errors.at(-1)!)).toEqual(expect.objectContaining({ done: 'ended', reconnects: 2 }));
  });

  it('prints readable lines with the recording position, and the ack check when asked', async () => {
    const ctx = testContext();
    expect(await runCli(['replay', fixture('quiet-room'), '--speed', 'max', '--check-acks'], ctx)).toBe(0);
    expect(ctx.lines[0]).toMatch(/^\d\d:\d\d\.\d\d\d /);
    expect(ctx.lines.at(-1)).toMatch(/live ended/);
    expect(ctx.errors.at(-1)).toMatch(
      /■ ended: \d+ messages.*acks: (\d+)\/\1 matched, 0 differ, 0 missing, 0 unexpected/,
    );
  });

  it('a truncated recording plays up to the cut and says so', async () => {
    const cut = join(dir, 'cut.dyrec');
    copyFileSync(fixture('busy-room'), cut);
    truncateSync(cut, Math.floor(readFileSync(cut).length / 2));
    const ctx = testContext();
    expect(await runCli(['replay', cut, '--speed', 'max', '--format', 'jsonl'], ctx)).toBe(0);
    expect(ctx.lines.length).toBeGreaterThan(10);
    const notice = ctx.errors
      .map((l) => JSON.parse(l) as { error?: string; message?: string })
      .filter((e) => e.error === 'RECORDING_TRUNCATED');
    expect(notice).toEqual([{ error: 'RECORDING_TRUNCATED', message: expect.stringMatching(/cut short at byte \d+/) }]);
  });

  it('refuses a file that is not a recording with one clear line and exit code 1', async () => {
    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, '{"hello":"world"}\n');
    const ctx = testContext();
    expect(await runCli(['replay', notes, '--speed', 'max'], ctx)).toBe(1);
    expect(ctx.lines).toEqual([]);
    expect(ctx.errors.at(-1)).toBe(
      `douyin-live: ${notes} is not a .dyrec recording (it does not start with a dyrec header) [RECORDING_INVALID]`,
    );
  });

  it('rejects a bad --speed or --only before reading anything', async () => {
    const ctx = testContext();
    expect(await runCli(['replay', fixture('quiet-room'), '--speed', 'fast'], ctx)).toBe(1);
    expect(ctx.errors.join('\n')).toMatch(/speed must be a positive number or "max"/);
    expect(await runCli(['replay', fixture('quiet-room'), '--only', 'gifts'], ctx)).toBe(1);
    expect(ctx.errors.join('\n')).toMatch(/unknown kind "gifts"/);
  });
});

describe('douyin-live inspect', () => {
  it('sums a recording up as text and as JSON', async () => {
    const text = testContext();
    expect(await runCli(['inspect', fixture('faulty-room')], text)).toBe(0);
    const out = text.lines.join('\n');
    expect(out).toMatch(/connections 1/);
    expect(out).toMatch(/frames in +msg \d+ · undecodable \d+/);
    expect(out).toMatch(/WebcastChatMessage +\d+/);
    expect(out).toMatch(/problems +.*GZIP_FAILED \d+/);
    expect(out).toMatch(/acks +(\d+) due, \1 recorded: \1 match/);

    const json = testContext();
    expect(await runCli(['inspect', fixture('busy-room'), '--json'], json)).toBe(0);
    const summary = JSON.parse(json.lines[0]!) as {
      connections: unknown[];
      messages: { total: number };
      outcome: string;
    };
    expect(summary.connections).toHaveLength(3);
    expect(summary.messages.total).toBeGreaterThan(100);
    expect(summary.outcome).toBe('ended');
  });
});

describe('douyin-live export', () => {
  it('writes CSV and JSON lines, --only applied', async () => {
    const csv = join(dir, 'out.csv');
    const ctx = testContext();
    expect(
      await runCli(
        ['export', fixture('busy-room'), '--format', 'csv', '--only', 'chat,gift', '-o', csv, '--no-progress'],
        ctx,
      ),
    ).toBe(0);
    const rows = readFileSync(csv, 'utf8').trimEnd().split('\n');
    expect(rows[0]).toBe('ms,createTime,method,msgId,userId,nickname,text,giftName,count,diamonds');
    expect(rows.length).toBeGreaterThan(50);
    expect(rows.slice(1).every((r) => /,Webcast(Chat|Gift)Message,/.test(r))).toBe(true);
    expect(ctx.errors.at(-1)).toBe(`exported ${rows.length - 1} messages to ${csv}`);

    const jsonl = join(dir, 'out.jsonl');
    expect(
      await runCli(['export', fixture('quiet-room'), '--format', 'jsonl', '-o', jsonl, '--no-progress'], ctx),
    ).toBe(0);
    const lines = readFileSync(jsonl, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { ms: number; method: string });
    expect(lines.at(-1)!.method).toBe('WebcastControlMessage');
    expect(lines.every((l, i) => i === 0 || l.ms >= lines[i - 1]!.ms)).toBe(true);
  });

  it('quotes CSV fields and defuses spreadsheet formulas', () => {
    expect(csvField('hello')).toBe('hello');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('-5')).toBe('-5');
  });
});

describe('douyin-live verify', () => {
  it('passes on the golden and fails with a readable diff when the golden changed', async () => {
    const ok = testContext();
    expect(
      await runCli(['verify', fixture('quiet-room'), '--expected', fixture('quiet-room', '.golden.ndjson')], ok),
    ).toBe(0);
    expect(ok.lines[0]).toMatch(/matches .*quiet-room\.golden\.ndjson \(\d+ lines\)/);

    // Someone "fixed" a chat text in the golden and dropped a line: the replay no longer matches it.
    const golden = readFileSync(fixture('quiet-room', '.golden.ndjson'), 'utf8').trimEnd().split('\n');
    const chatLine = golden.findIndex((l) => l.includes('"WebcastChatMessage"'));
    const content = (JSON.parse(golden[chatLine]!) as { message: { content: string } }).message.content;
    golden[chatLine] = golden[chatLine]!.replace(`"content":"${content}"`, '"content":"edited"');
    golden.splice(chatLine + 3, 1);
    const changed = join(dir, 'changed.golden.ndjson');
    writeFileSync(changed, `${golden.join('\n')}\n`);
    const bad = testContext();
    expect(await runCli(['verify', fixture('quiet-room'), '--expected', changed], bad)).toBe(1);
    const report = bad.lines.join('\n');
    expect(report).toMatch(/differs from .*changed\.golden\.ndjson: 2 place\(s\)/);
    expect(report).toContain(`@@ line ${chatLine + 1} @@`);
    expect(report).toContain(`~ message.content: "edited" → ${JSON.stringify(content)}`);
    expect(report).toMatch(/^\+ \{"message":/m);
    expect(bad.errors.at(-1)).toMatch(/differs from .*run with --update if the change is intended/);

    // --update accepts the new output.
    expect(await runCli(['verify', fixture('quiet-room'), '--expected', changed, '--update'], testContext())).toBe(0);
    expect(readFileSync(changed, 'utf8')).toBe(readFileSync(fixture('quiet-room', '.golden.ndjson'), 'utf8'));
  });

  it('names a missing golden file', async () => {
    const ctx = testContext();
    expect(await runCli(['verify', fixture('quiet-room'), '--expected', join(dir, 'none.ndjson')], ctx)).toBe(1);
    expect(ctx.errors[0]).toMatch(/no golden file .*none\.ndjson \(run with --update to create it\)/);
  });

  it('diffs re-align after an inserted line', () => {
    const expected = ['a', 'b', 'c', 'd'];
    const diff = diffGolden(expected, ['a', 'x', 'b', 'c', 'd']);
    expect(diff.hunks).toEqual([{ line: 2, removed: [], added: ['x'] }]);
    expect(formatGoldenDiff(diff)).toContain('+ x');
    expect(diffGolden(expected, expected).equal).toBe(true);
  });
});
