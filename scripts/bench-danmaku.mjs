#!/usr/bin/env node
// Danmaku export cost: (1) the lane layout and ASS encoding alone against plain SRT cues, on a million
// generated comments, with the heap before and after (the layout keeps one comment per lane, so memory must not
// grow with the comment count); (2) `douyin-live export` end to end on a generated recording, each format in a
// fresh child process: jsonl (the reference), srt, ass (chat), ass with gifts (giftCombos on a virtual clock).
// Figures are ratios to the reference measured in the same run; the machine is noisy.
//
// Usage: node scripts/bench-danmaku.mjs            (1,000,000 comments, a 30 MB recording)
//        node scripts/bench-danmaku.mjs --quick    (200,000 comments, 8 MB)
//        node scripts/bench-danmaku.mjs --keep     (keep the generated recording)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');

if (argv[0] === '--child') {
  await child(argv[1], argv.slice(2));
} else {
  await parent();
}

/** One `douyin-live export` run; prints its time, output lines and peak RSS as one JSON line. */
async function child(file, exportArgs) {
  const { runCli } = await import('@douyin-live/replay-cli');
  let lines = 0;
  const errors = [];
  const ctx = {
    out: () => lines++,
    err: (line) => errors.push(line),
    readStdin: () => new Uint8Array(0),
    colour: false,
    interrupted: () => new Promise(() => undefined),
  };
  const started = process.hrtime.bigint();
  const code = await runCli(['export', file, '-o', '-', '--no-progress', ...exportArgs], ctx);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (code !== 0) throw new Error(`export exited ${code}: ${errors.join('\n')}`);
  const { maxRSS } = process.resourceUsage(); // KiB
  console.log(JSON.stringify({ seconds, lines, summary: errors.at(-1) ?? '', peakRssBytes: maxRSS * 1024 }));
}

async function parent() {
  await layoutBench(quick ? 200_000 : 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'bench-danmaku-'));
  try {
    const file = join(dir, 'bench.dyrec');
    const generated = await generate(file, (quick ? 8 : 30) * 1e6);
    console.log(
      `\nrecording: ${(statSync(file).size / 1e6).toFixed(1)} MB, ${generated.frames.toLocaleString('en-US')} frames, ` +
        `${generated.messages.toLocaleString('en-US')} messages over ${(generated.durationMs / 60_000).toFixed(0)} min`,
    );
    const cases = [
      ['jsonl (reference)', ['--format', 'jsonl']],
      ['srt, chat', ['--format', 'srt']],
      ['ass, chat', ['--format', 'ass']],
      ['ass, chat + gifts', ['--format', 'ass', '--only', 'chat,gift']],
    ];
    const rows = cases.map(([name, args]) => ({ name, ...measure(file, args) }));
    const reference = rows[0];
    console.log('\n| export | time | × jsonl | output lines | peak RSS | summary |');
    console.log('|:---|---:|---:|---:|---:|:---|');
    for (const r of rows) {
      console.log(
        `| ${r.name} | ${r.seconds.toFixed(2)} s | ${(r.seconds / reference.seconds).toFixed(2)} | ` +
          `${r.lines.toLocaleString('en-US')} | ${(r.peakRssBytes / 1e6).toFixed(0)} MB | ${r.summary.replace(/ to stdout/, '')} |`,
      );
    }
  } finally {
    if (!argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

/** The encoders alone: a busy room's comments (bursts, mixed scripts and lengths) through ASS lanes and SRT. */
async function layoutBench(count) {
  const { danmakuEncoder } = await import('@douyin-live/replay-cli');
  const texts = [
    '666',
    '主播好！',
    'hello 主播',
    '哈哈哈哈哈哈哈哈',
    '这个好看，下次还来',
    'first time here 第一次来',
    '好',
  ];
  // 40 comments a second in bursts of 8 every 200 ms: busier than most rooms, so lanes overflow.
  const comments = Array.from({ length: count }, (_, i) => ({
    atMs: Math.floor(i / 8) * 200,
    text: texts[(i * 7) % texts.length],
    nickname: `观众${i % 997}`,
    masked: i % 5 === 0,
  }));
  const run = (format, options) => {
    globalThis.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const encoder = danmakuEncoder(format, options);
    let bytes = encoder.head.length;
    const started = process.hrtime.bigint();
    for (const c of comments) bytes += encoder.add(c)?.length ?? 0;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    globalThis.gc?.();
    return { seconds, bytes, stats: { ...encoder.stats }, heapGrowth: process.memoryUsage().heapUsed - heapBefore };
  };
  // Warm-up, then the timed runs.
  run('ass', {});
  run('srt', {});
  const ass = run('ass', {});
  const srt = run('srt', {});
  const assFull = run('ass', { lanes: 18, durationMs: 6000 });
  console.log(
    `${count.toLocaleString('en-US')} comments (${(comments.at(-1).atMs / 3_600_000).toFixed(1)} h at 40/s):\n`,
  );
  console.log('| encoder | time | comments/s | × srt | heap growth | written / delayed / dropped |');
  console.log('|:---|---:|---:|---:|---:|:---|');
  for (const [name, r] of [
    ['srt (no layout)', srt],
    ['ass, 1080p defaults (9 lanes, 8 s)', ass],
    ['ass, 18 lanes (whole picture), 6 s', assFull],
  ]) {
    console.log(
      `| ${name} | ${(r.seconds * 1000).toFixed(0)} ms | ${Math.round(count / r.seconds).toLocaleString('en-US')} | ` +
        `${(r.seconds / srt.seconds).toFixed(2)} | ${(r.heapGrowth / 1e6).toFixed(1)} MB | ` +
        `${r.stats.written} / ${r.stats.delayed} / ${r.stats.droppedBusy} |`,
    );
  }
}

function measure(file, args) {
  const result = spawnSync(process.execPath, ['--expose-gc', self, '--child', file, ...args], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`export ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

/**
 * A recording of about `targetBytes`: frames of 5–10 messages every 250 ms (chat, entries, likes, gift combo
 * streaks with end markers, viewer counts) from a seeded generator.
 */
async function generate(path, targetBytes) {
  const { createRecorder } = await import('@douyin-live/recorder');
  const { encodeFrame, messageFactory } = await import('@douyin-live/testing');
  const { mulberry32 } = await import('@douyin-live/simulator');
  const random = mulberry32(7); // the same file every run
  const names = Array.from({ length: 300 }, (_, i) => `观众${i}`);
  const lines = ['主播好！', '来了来了', '666', '这个好看', '主播唱首歌吧', '哈哈哈哈哈哈', '第一次来，关注了'];
  const start = 1_700_000_000_000;
  let now = start;
  const factory = messageFactory({ now: () => now });
  const recorder = createRecorder(path, {
    room: { webRid: '261378947940', roomId: '7400000000000000001', title: 'bench' },
    schemaHash: 'unknown',
    now: () => now,
    flushBytes: 4 * 1024 * 1024,
  });
  recorder.write({ direction: 'open', connection: 1, at: now, url: 'wss://bench.invalid/', headers: {} });
  // Open gift streaks: each grows by one per frame until it ends with its end marker.
  const streaks = [];
  let frames = 0;
  let messages = 0;
  while (recorder.stats.bytesWritten < targetBytes) {
    now += 250;
    const batch = [];
    const n = 5 + Math.floor(random() * 6);
    for (let i = 0; i < n; i++) {
      const r = random();
      const user = names[Math.floor(random() ** 2 * names.length)];
      if (r < 0.45) batch.push(factory.chat(user, lines[Math.floor(random() * lines.length)]));
      else if (r < 0.7) batch.push(factory.member(user, 1000 + frames));
      else if (r < 0.9) batch.push(factory.like(user, 3, frames * 3));
      else if (r < 0.95) streaks.push({ user, groupId: String(frames * 100 + i), count: 0, of: 2 + (i % 6) });
      else batch.push(factory.viewers(1000 + frames, 5000 + frames));
    }
    for (const s of streaks.splice(0)) {
      s.count++;
      const end = s.count === s.of;
      batch.push(
        factory.gift({ user: s.user, name: '小心心', groupId: s.groupId, repeatCount: s.count, repeatEnd: end }),
      );
      if (!end) streaks.push(s);
    }
    messages += batch.length;
    frames++;
    recorder.write({
      direction: 'in',
      connection: 1,
      at: now,
      bytes: encodeFrame({ logId: String(7_000_000_000_000_000_000n + BigInt(frames)), response: { messages: batch } }),
    });
  }
  recorder.write({ direction: 'close', connection: 1, code: 1000, reason: 'bye', at: now + 10 });
  await recorder.end();
  return { frames, messages, durationMs: now - start };
}
