#!/usr/bin/env node
// Replay throughput and memory: generates large recordings (to the OS temp dir) with the project's own builders
// and recorder, then replays each at `--speed max` in a fresh child process, through the library
// (`replaySession`, every message decoded via `messages$`) and through the CLI (`douyin-live replay --speed max
// --format jsonl`, lines counted, not printed). Peak RSS at two file sizes shows whether memory stays flat.
//
// Usage: node scripts/bench-replay.mjs                 (30 MB and 300 MB)
//        node scripts/bench-replay.mjs --sizes 50,500  (sizes in MB)
//        node scripts/bench-replay.mjs --quick         (10 MB and 60 MB)
//        node scripts/bench-replay.mjs --keep          (keep the generated files)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);

if (argv[0] === '--child') {
  await child(argv[1], argv[2]);
} else {
  await parent();
}

/** Runs one measurement and prints it as one JSON line. */
async function child(mode, file) {
  const started = process.hrtime.bigint();
  let messages = 0;
  let frames = 0;
  let outputBytes = 0;
  if (mode === 'lib') {
    const { replaySession } = await import('@douyin-live/replay-cli');
    const session = replaySession(file, { speed: 'max' });
    session.messages$.subscribe(() => messages++);
    const outcome = await session.done;
    if (outcome.reason === 'failed') throw outcome.error;
    frames = session.stats.framesIn;
  } else if (mode === 'cli') {
    const { runCli } = await import('@douyin-live/replay-cli');
    const ctx = {
      out: (line) => {
        messages++;
        outputBytes += line.length + 1;
      },
      err: () => undefined,
      readStdin: () => new Uint8Array(0),
      colour: false,
      interrupted: () => new Promise(() => undefined),
    };
    const code = await runCli(['replay', file, '--speed', 'max', '--format', 'jsonl'], ctx);
    if (code !== 0) throw new Error(`replay exited ${code}`);
  } else {
    // Baseline: the packages loaded, nothing replayed.
    await import('@douyin-live/replay-cli');
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { maxRSS } = process.resourceUsage(); // KiB
  console.log(JSON.stringify({ seconds, messages, frames, outputBytes, peakRssBytes: maxRSS * 1024 }));
}

async function parent() {
  const sizesArg = argv.includes('--sizes')
    ? argv[argv.indexOf('--sizes') + 1]
    : argv.includes('--quick')
      ? '10,60'
      : '30,300';
  const sizes = sizesArg.split(',').map((s) => Number(s) * 1e6);
  const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
  const rows = [];
  try {
    const baseline = measure('none', '');
    console.log(`baseline (packages loaded, nothing replayed): peak RSS ${mb(baseline.peakRssBytes)} MB\n`);
    for (const size of sizes) {
      const file = join(dir, `bench-${Math.round(size / 1e6)}MB.dyrec`);
      const t0 = Date.now();
      const generated = await generate(file, size);
      const bytes = statSync(file).size;
      console.log(
        `generated ${file}: ${mb(bytes)} MB, ${generated.frames.toLocaleString('en-US')} frames, ` +
          `${generated.messages.toLocaleString('en-US')} messages, in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      for (const mode of ['lib', 'cli']) {
        const r = measure(mode, file);
        rows.push({ size: bytes, mode, ...r });
        console.log(
          `  ${mode === 'lib' ? 'replaySession (messages$)' : 'douyin-live replay --format jsonl'}: ${r.seconds.toFixed(1)} s, ` +
            `${Math.round(r.messages / r.seconds).toLocaleString('en-US')} messages/s, ${(bytes / 1e6 / r.seconds).toFixed(1)} MB/s, ` +
            `peak RSS ${mb(r.peakRssBytes)} MB`,
        );
      }
    }
  } finally {
    if (!argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
  console.log('\n| file | path | time | messages/s | MB/s (file) | peak RSS |');
  console.log('|---:|:---|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${mb(r.size)} MB | ${r.mode === 'lib' ? 'replaySession, messages$' : 'CLI replay --format jsonl'} | ${r.seconds.toFixed(1)} s | ` +
        `${Math.round(r.messages / r.seconds).toLocaleString('en-US')} | ${(r.size / 1e6 / r.seconds).toFixed(1)} | ${mb(r.peakRssBytes)} MB |`,
    );
  }
  const lib = rows.filter((r) => r.mode === 'lib');
  if (lib.length >= 2) {
    const [small, large] = [lib[0], lib.at(-1)];
    console.log(
      `\nmemory: ${mb(small.size)} MB → ${mb(large.size)} MB of recording (${(large.size / small.size).toFixed(1)}×) moved ` +
        `peak RSS from ${mb(small.peakRssBytes)} to ${mb(large.peakRssBytes)} MB (${(large.peakRssBytes / small.peakRssBytes).toFixed(2)}×)`,
    );
  }
}

function measure(mode, file) {
  const result = spawnSync(process.execPath, ['--expose-gc', self, '--child', mode, file], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`child ${mode} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

function mb(bytes) {
  return (bytes / 1e6).toFixed(1);
}

/**
 * Writes a recording of about `targetBytes`: one connection, frames of 10–20 messages (chat, entries, likes,
 * gifts, viewer stats) from a seeded generator, each followed by its ack, 10 frames a second of recording time.
 */
async function generate(path, targetBytes) {
  const { createRecorder } = await import('@douyin-live/recorder');
  const { encodeFrame, messageFactory } = await import('@douyin-live/testing');
  const { mulberry32 } = await import('@douyin-live/simulator');
  const random = mulberry32(42); // the same file every run
  const names = Array.from({ length: 500 }, (_, i) => `观众${i}号${'★'.repeat(i % 4)}`);
  const lines = [
    '主播好！',
    '来了来了',
    '666',
    '这个好看',
    '主播唱首歌吧',
    '哈哈哈哈哈哈',
    '第一次来，关注了',
    '晚上好大家',
  ];
  const user = () => ({
    nickname: names[Math.floor(random() ** 2 * names.length)],
    payLevel: Math.floor(random() * 50),
  });
  let now = 1_700_000_000_000;
  const factory = messageFactory({ now: () => now });
  const recorder = createRecorder(path, {
    room: { webRid: '261378947940', roomId: '7400000000000000001', title: 'bench' },
    schemaHash: 'unknown',
    now: () => now,
    flushBytes: 4 * 1024 * 1024,
  });
  recorder.write({
    direction: 'open',
    connection: 1,
    at: now,
    url: 'wss://bench.invalid/webcast/im/push/v2/?room_id=1',
    headers: {},
  });
  let frames = 0;
  let messages = 0;
  let likeTotal = 0;
  while (recorder.stats.bytesWritten < targetBytes) {
    now += 100;
    const batch = [];
    const n = 10 + Math.floor(random() * 11);
    for (let i = 0; i < n; i++) {
      const r = random();
      if (r < 0.4) batch.push(factory.chat(user(), lines[Math.floor(random() * lines.length)]));
      else if (r < 0.65) batch.push(factory.member(user(), 1000 + frames));
      else if (r < 0.85) batch.push(factory.like(user(), 1 + Math.floor(random() * 10), (likeTotal += 5)));
      else if (r < 0.95)
        batch.push(
          factory.gift({
            user: user(),
            name: '小心心',
            repeatCount: 1 + Math.floor(random() * 8),
            groupId: String(frames),
          }),
        );
      else batch.push(factory.viewers(1000 + frames, 5000 + frames));
    }
    messages += n;
    frames++;
    const logId = String(7_000_000_000_000_000_000n + BigInt(frames));
    const internalExt = `internal_src:dim|wss_push_room_id:7400000000000000001|fetch_time:${now}`;
    recorder.write({
      direction: 'in',
      connection: 1,
      at: now,
      bytes: encodeFrame({
        logId,
        response: { messages: batch, needAck: true, internalExt, cursor: `t-${now}_r-${frames}` },
      }),
    });
    recorder.write({
      direction: 'out',
      connection: 1,
      at: now + 1,
      bytes: encodeFrame({ logId, payloadType: 'ack', payload: Buffer.from(internalExt), gzip: false }),
    });
    // Let the writer keep up, so the generator's own memory stays small too.
    if (frames % 2000 === 0) await recorder.flush();
  }
  recorder.write({ direction: 'close', connection: 1, at: now + 10, code: 1000, reason: '' });
  await recorder.end();
  if (!existsSync(path)) throw new Error(`no file at ${path}`);
  return { frames, messages };
}
