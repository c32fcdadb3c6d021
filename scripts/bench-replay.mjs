#!/usr/bin/env node
// Replay throughput and memory. Writes large recordings to the OS temp dir with the project's own recorder, then
// replays each at `--speed max` in a fresh child process, through the library (`replaySession`, every message
// decoded via `messages$`) and through the CLI (`douyin-live replay --speed max --format jsonl`, lines counted,
// not printed). Per run: messages/s, MB/s of file, CPU time per 1,000 messages (the replay only, every thread of
// the child) and peak RSS; two file sizes show whether memory stays flat.
//
// Recordings:
// - *real* (the default whenever ../shared/realdata exists beside the checkout, or --realdata names it): real
//   captured payloads (scripts/lib/realPayloads.mjs: the real corpus's method mix, only `common.msgId` and
//   `common.create_time` rewritten), 5–10 a frame, framed as the simulator and the live server frame them (a
//   gzip'd Response with cursor, internal_ext, now and need_ack, the im-cursor / im-internal_ext / im-now headers),
//   each frame followed by its ack, a heartbeat every 10 s, 10 frames a second of recording time.
// - *synthetic*: our own builders' messages (`messageFactory`), 10–20 a frame (~88 bytes of file per message,
//   several times lighter than real ones): kept as extra rows, comparable with the earlier sessions' table.
// Without ../shared/realdata the real rows are left out, loudly.
//
// --project A,B replays the same files with each checkout's own built packages (each a repository root after
// `npm run build`), alternating the trees run by run, --rounds times: before/after in one sitting. The recordings
// are always written by this checkout's packages, so every tree replays the same bytes.
//
// Usage: node scripts/bench-replay.mjs                      (real and synthetic, 30 MB and 300 MB)
//        node scripts/bench-replay.mjs --sizes 50,500       (sizes in MB)
//        node scripts/bench-replay.mjs --quick              (10 MB and 60 MB)
//        node scripts/bench-replay.mjs --synthetic-sizes 30 (sizes of the synthetic recordings; 0 for none)
//        node scripts/bench-replay.mjs --payloads real      (real | synthetic | real,synthetic)
//        node scripts/bench-replay.mjs --realdata DIR       (where the real captures are)
//        node scripts/bench-replay.mjs --project /work/base,. --rounds 2
//        node scripts/bench-replay.mjs --paths lib          (lib = replaySession, cli = the CLI; both by default)
//        node scripts/bench-replay.mjs --keep               (keep the generated files, paths printed)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { basename, dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { hasRealPayloads, loadRealPool, realMessages, simulatorFrame } from './lib/realPayloads.mjs';
import { optionsOf, projectsOf } from './lib/args.mjs';

const self = fileURLToPath(import.meta.url);
const here = dirname(self);
const argv = process.argv.slice(2);
const option = optionsOf(argv);

/** The built replay-cli package of the checkout `project` (a repository root). */
const replayCliOf = (project) => pathToFileURL(join(project, 'packages', 'replay-cli', 'dist', 'index.js')).href;

if (argv[0] === '--child') {
  await child(argv[1], argv[2], argv[3]);
} else {
  await parent();
}

/** Runs one measurement with `project`'s packages and prints it as one JSON line. */
async function child(mode, file, project) {
  const { replaySession, runCli } = await import(replayCliOf(project));
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  // RSS sampled through the run: the highest sample of each half tells whether memory still grows late in the run.
  const samples = [];
  const sampler = setInterval(() => samples.push([process.hrtime.bigint(), process.memoryUsage.rss()]), 100);
  let messages = 0;
  let frames = 0;
  let outputBytes = 0;
  if (mode === 'lib') {
    const session = replaySession(file, { speed: 'max' });
    session.messages$.subscribe(() => messages++);
    const outcome = await session.done;
    if (outcome.reason === 'failed') throw outcome.error;
    frames = session.stats.framesIn;
  } else if (mode === 'cli') {
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
  }
  // mode 'none': the baseline, the packages loaded and nothing replayed.
  const ended = process.hrtime.bigint();
  clearInterval(sampler);
  const seconds = Number(ended - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const half = started + (ended - started) / 2n;
  const maxRss = (list) => list.reduce((max, [, rss]) => Math.max(max, rss), 0);
  const { maxRSS } = process.resourceUsage(); // KiB
  console.log(
    JSON.stringify({
      seconds,
      cpuMs: (cpu.user + cpu.system) / 1000,
      messages,
      frames,
      outputBytes,
      peakRssBytes: maxRSS * 1024,
      rssHalvesBytes: [maxRss(samples.filter(([t]) => t < half)), maxRss(samples.filter(([t]) => t >= half))],
    }),
  );
}

async function parent() {
  const projects = projectsOf(option, join(here, '..'));
  const rounds = Number(option('--rounds', '1'));
  const sizesArg = option('--sizes', argv.includes('--quick') ? '10,60' : '30,300');
  const sizes = sizesArg.split(',').map((s) => Number(s) * 1e6);
  const syntheticSizes = option('--synthetic-sizes', sizesArg)
    .split(',')
    .map((s) => Number(s) * 1e6)
    .filter((s) => s > 0);
  const realdata = resolvePath(option('--realdata', join(here, '..', '..', 'shared', 'realdata')));
  const haveRealdata = hasRealPayloads(realdata);
  const kinds = option('--payloads', 'real,synthetic').split(',');
  for (const kind of kinds) if (kind !== 'real' && kind !== 'synthetic') throw new Error(`--payloads: ${kind}?`);
  if (kinds.includes('real') && !haveRealdata) {
    if (argv.includes('--payloads') || argv.includes('--realdata')) {
      throw new Error(`no real payloads in ${realdata} (its payloads/ and responses/ folders)`);
    }
    kinds.splice(kinds.indexOf('real'), 1);
    const warning =
      `!!! NO REAL PAYLOADS at ${realdata}: falling back to the SYNTHETIC recordings only, which say nothing about ` +
      `real payloads (put ../shared/realdata beside the checkout or pass --realdata DIR) !!!`;
    console.error(warning);
    console.log(`${warning}\n`);
  }
  const keep = argv.includes('--keep');
  const modes = option('--paths', 'lib,cli').split(',');
  for (const mode of modes) if (mode !== 'lib' && mode !== 'cli') throw new Error(`--paths: ${mode}?`);

  console.log(
    `Machine: ${os.cpus().length} vCPUs (${os.cpus()[0]?.model.trim()}), ${os.platform()} ${os.arch()}, Node ${process.version}, ` +
      `load ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
  );
  const names = new Map(projects.map((p) => [p, `${basename(p)} (${commitOf(p)})`]));
  console.log(
    `Trees${projects.length > 1 ? `, alternated run by run, ${rounds} round(s)` : ''}: ${[...names.values()].join(', ')}`,
  );
  if (kinds.includes('real')) console.log(`Real payloads read from ${realdata}`);
  console.log('');

  const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
  const rows = [];
  try {
    for (const project of projects) {
      const baseline = measure('none', '', project);
      console.log(
        `baseline ${names.get(project)} (packages loaded, nothing replayed): peak RSS ${mb(baseline.peakRssBytes)} MB`,
      );
    }
    console.log('');
    const recordings = [
      ...(kinds.includes('real') ? sizes.map((size) => ({ kind: 'real', size })) : []),
      ...(kinds.includes('synthetic') ? syntheticSizes.map((size) => ({ kind: 'synthetic', size })) : []),
    ];
    const pool = kinds.includes('real')
      ? loadRealPool((await import('@douyin-live/core')).decodeWire, realdata)
      : undefined;
    for (const { kind, size } of recordings) {
      const file = join(dir, `bench-${kind}-${Math.round(size / 1e6)}MB.dyrec`);
      const t0 = Date.now();
      const generated = kind === 'real' ? await generateReal(file, size, pool) : await generateSynthetic(file, size);
      const bytes = statSync(file).size;
      console.log(
        `generated ${file} (${kind}): ${mb(bytes)} MB, ${generated.frames.toLocaleString('en-US')} frames, ` +
          `${generated.messages.toLocaleString('en-US')} messages (${(bytes / generated.messages).toFixed(0)} bytes of file each), ` +
          `in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );
      for (let round = 1; round <= rounds; round++) {
        for (const mode of modes) {
          for (const project of projects) {
            const r = measure(mode, file, project);
            const row = { kind, size: bytes, expected: generated.messages, mode, project, round, ...r };
            rows.push(row);
            console.log(
              `  ${names.get(project)}${rounds > 1 ? ` #${round}` : ''} ${pathName(mode)}: ${r.seconds.toFixed(1)} s, ` +
                `${Math.round(r.messages / r.seconds).toLocaleString('en-US')} messages/s, ${(bytes / 1e6 / r.seconds).toFixed(1)} MB/s, ` +
                `${cpuPer1k(r).toFixed(2)} ms CPU / 1k messages, peak RSS ${mb(r.peakRssBytes)} MB ` +
                `(highest sample in the first / second half ${mb(r.rssHalvesBytes[0])} / ${mb(r.rssHalvesBytes[1])} MB)` +
                (r.messages === generated.messages
                  ? ''
                  : ` (${r.messages} messages out of ${generated.messages} recorded)`),
            );
          }
        }
      }
      if (!keep) rmSync(file, { force: true });
    }
  } finally {
    if (keep) console.log(`\nrecordings kept in ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }

  const several = projects.length > 1;
  console.log(
    `\n| recording | ${several ? 'tree | ' : ''}path | time | messages/s | MB/s (file) | CPU ms / 1k messages | peak RSS |`,
  );
  console.log(`|---:|${several ? ':---|' : ''}:---|---:|---:|---:|---:|---:|`);
  for (const r of rows) {
    console.log(
      `| ${r.kind}, ${mb(r.size)} MB (${r.expected.toLocaleString('en-US')} messages) | ` +
        `${several ? `${names.get(r.project)}${rounds > 1 ? ` #${r.round}` : ''} | ` : ''}${pathName(r.mode)} | ` +
        `${r.seconds.toFixed(1)} s | ${Math.round(r.messages / r.seconds).toLocaleString('en-US')} | ` +
        `${(r.size / 1e6 / r.seconds).toFixed(1)} | ${cpuPer1k(r).toFixed(2)} | ${mb(r.peakRssBytes)} MB |`,
    );
  }

  if (several) {
    // Each tree against the first, per recording and path: medians over the rounds.
    const [first, ...others] = projects;
    console.log('');
    for (const other of others) {
      for (const key of unique(rows.map((r) => `${r.kind}|${r.size}|${r.mode}`))) {
        const of = (project) => rows.filter((r) => `${r.kind}|${r.size}|${r.mode}` === key && r.project === project);
        const a = of(first);
        const b = of(other);
        const cpuA = median(a.map(cpuPer1k));
        const cpuB = median(b.map(cpuPer1k));
        const rateA = median(a.map((r) => r.messages / r.seconds));
        const rateB = median(b.map((r) => r.messages / r.seconds));
        const [kind, size, mode] = key.split('|');
        console.log(
          `${names.get(other)} vs ${names.get(first)}, ${kind} ${mb(Number(size))} MB, ${pathName(mode)}: ` +
            `CPU / 1k messages ${cpuB.toFixed(2)} vs ${cpuA.toFixed(2)} ms (before/after **${(cpuA / cpuB).toFixed(2)}×**), ` +
            `messages/s ${(rateB / rateA).toFixed(2)}×, peak RSS ${mb(median(b.map((r) => r.peakRssBytes)))} vs ` +
            `${mb(median(a.map((r) => r.peakRssBytes)))} MB`,
        );
      }
    }
  }

  console.log('');
  for (const project of projects) {
    for (const kind of kinds) {
      for (const mode of modes) {
        const mine = rows.filter((r) => r.project === project && r.kind === kind && r.mode === mode);
        const bySize = unique(mine.map((r) => r.size)).sort((x, y) => x - y);
        if (bySize.length < 2) continue;
        const [small, large] = [bySize[0], bySize.at(-1)];
        const rss = (size) => median(mine.filter((r) => r.size === size).map((r) => r.peakRssBytes));
        const halves = (size, i) => mb(median(mine.filter((r) => r.size === size).map((r) => r.rssHalvesBytes[i])));
        console.log(
          `memory, ${several ? `${names.get(project)}, ` : ''}${kind}, ${pathName(mode)}: ${mb(small)} MB → ${mb(large)} MB of ` +
            `recording (${(large / small).toFixed(1)}×) moved peak RSS from ${mb(rss(small))} to ${mb(rss(large))} MB ` +
            `(${(rss(large) / rss(small)).toFixed(2)}×); on the ${mb(large)} MB recording the highest RSS sampled in the ` +
            `first / second half of the run was ${halves(large, 0)} / ${halves(large, 1)} MB`,
        );
      }
    }
  }
  const short = rows.filter((r) => r.messages !== r.expected);
  if (short.length) {
    console.error(
      `\n${short.length} run(s) emitted a different number of messages than were recorded: ` +
        short
          .map((r) => `${names.get(r.project)} ${r.kind} ${mb(r.size)} MB ${r.mode}: ${r.messages}/${r.expected}`)
          .join('; '),
    );
    process.exitCode = 1;
  }
}

function measure(mode, file, project) {
  const result = spawnSync(process.execPath, ['--expose-gc', self, '--child', mode, file, project], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`child ${mode} (${project}) failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1));
}

function commitOf(project) {
  try {
    return execFileSync('git', ['-C', project, 'log', '-1', '--format=%h'], { encoding: 'utf8' }).trim();
  } catch {
    return 'no git';
  }
}

function pathName(mode) {
  return mode === 'lib' ? 'replaySession, messages$' : 'CLI replay --format jsonl';
}

function cpuPer1k(r) {
  return (r.cpuMs / r.messages) * 1000;
}

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function unique(values) {
  return [...new Set(values)];
}

function mb(bytes) {
  return (bytes / 1e6).toFixed(1);
}

/** A recorder for `path` at the given clock, with the connection opened. */
async function openRecording(path, clock) {
  const { createRecorder } = await import('@douyin-live/recorder');
  const recorder = createRecorder(path, {
    room: { webRid: '261378947940', roomId: '7400000000000100000', title: 'bench' },
    schemaHash: 'unknown',
    now: clock,
    flushBytes: 4 * 1024 * 1024,
  });
  recorder.write({
    direction: 'open',
    connection: 1,
    at: clock(),
    url: 'wss://bench.invalid/webcast/im/push/v2/?room_id=7400000000000100000',
    headers: {},
  });
  return recorder;
}

/** Closes the connection and the recording. */
async function closeRecording(recorder, path, at) {
  recorder.write({ direction: 'close', connection: 1, at, code: 1000, reason: '' });
  await recorder.end();
  if (!existsSync(path)) throw new Error(`no file at ${path}`);
}

/**
 * Writes a recording of about `targetBytes` of real payloads: one connection, 10 frames a second of recording time,
 * 5–10 real messages a frame in the real corpus's mix, each frame framed as the simulator frames it (the shapes of
 * packages/simulator's cursor and internal_ext values; bench-rooms's pipeline-alone baseline does the same), then
 * its ack as the client sends it (log_id, payload_type "ack", the Response's internal_ext), and a heartbeat every
 * 10 s. Seeded: the same file every run.
 */
async function generateReal(path, targetBytes, pool) {
  const testing = await import('@douyin-live/testing');
  const simulator = await import('@douyin-live/simulator');
  const core = await import('@douyin-live/core');
  const packages = { core, simulator, testing };
  const { mulberry32 } = simulator;
  const { HEARTBEAT_FRAME, PayloadType } = core;
  const roomId = '7400000000000100000';
  const real = realMessages(pool, mulberry32, 0);
  let now = 1_700_000_000_000;
  const firstReqMs = now;
  const recorder = await openRecording(path, () => now);
  let frames = 0;
  let messages = 0;
  while (recorder.stats.bytesWritten < targetBytes) {
    now += 100;
    const batch = real.next(5 + Math.floor(real.random() * 6), now);
    messages += batch.length;
    frames++;
    const pushed = simulatorFrame({ batch, roomId, firstReqMs, now, seq: messages, frame: frames }, packages);
    recorder.write({ direction: 'in', connection: 1, at: now, bytes: pushed.bytes });
    recorder.write({
      direction: 'out',
      connection: 1,
      at: now + 1,
      bytes: testing.encodeFrame({
        logId: pushed.logId,
        payloadType: PayloadType.ACK,
        payload: Buffer.from(pushed.internalExt),
        gzip: false,
      }),
    });
    if (frames % 100 === 0) recorder.write({ direction: 'out', connection: 1, at: now + 2, bytes: HEARTBEAT_FRAME });
    // Let the writer keep up, so the generator's own memory stays small too.
    if (frames % 2000 === 0) await recorder.flush();
  }
  await closeRecording(recorder, path, now + 10);
  return { frames, messages };
}

/**
 * Writes a recording of about `targetBytes` made by our own builders: one connection, frames of 10–20 messages
 * (chat, entries, likes, gifts, viewer stats) from a seeded generator, each followed by its ack, 10 frames a second
 * of recording time. The earlier sessions' recording, unchanged.
 */
async function generateSynthetic(path, targetBytes) {
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
  const recorder = await openRecording(path, () => now);
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
  await closeRecording(recorder, path, now + 10);
  return { frames, messages };
}
