#!/usr/bin/env node
// Decode throughput on REAL Douyin payloads: the floors, a naive protobufjs decoder and our pipeline, one run.
//
// Usage: node --expose-gc scripts/bench-decode-real.mjs [--frames N] [--iterations N] [--warmup N] [--quick]
//          [--only gunzip,shallow,deep,deep-libdeflate,protobufjs,full,full-zlib,lazy,sync,frame] [--no-replay] [--no-gc] [--project DIR]
// (normally through `npm run bench` or `npm run bench -- decode`, which build first).
//
// The corpus is built by ../shared/bench/make_corpus.py from the real captures in ../shared/realdata (only
// common.msgId is rewritten; deterministic) into a temporary folder that is removed afterwards: real bytes never
// enter the repository. Without python3 or the shared folder the script says so and skips.
//
// Cases, all on the same frames, round-robin over the iterations (the order rotated each round), a gc() before each:
//   gunzip      floor: find PushFrame.payload by hand and zlib.gunzipSync it, nothing else
//   shallow     floor: gunzip + a wire walk of the Response, every envelope and every payload's top level
//   deep        floor: gunzip + a walk into every nested message proto/douyin.proto declares, for every known
//               method (no objects, no strings: what any schema decoder must at least touch)
//   protobufjs  naive: protobufjs reflection on proto/douyin.proto, decode + toObject(longs: String) of the frame,
//               the Response and every known message
//   full        ours: from(frames).pipe(livePipeline({ send })), every message typed, an ack per frame
//   full-zlib   ours: `full` with Node's zlib on the raw-deflate path instead of @douyin-live/libdeflate (only
//               when the binding is built; `full` then uses it, as a bot's session does)
//   deep-libdeflate  floor: `deep`, inflating with the same libdeflate binding as `full` instead of gunzipSync
//               (only when it is built: the floor ours would be held to if the floors used our inflater)
//   lazy        ours: liveEnvelopes({ send }) + ofMethod('WebcastChatMessage'), only chats decoded
//   sync        ours: the stages of `full` called in a loop (no RxJS)
//   frame       ours: what every frame pays outside its Response: decodeFrame, then ackFor with a need_ack Response
//               (every corpus frame has the im-internal_ext header the ack copies); no inflate, no messages
// Then (unless --no-replay) a real-payload .dyrec is written to the temporary folder from the same frames (each
// followed by its ack) and replayed with replaySession(file, { speed: 'max' }) in a child process: messages/s
// and the child's peak RSS, for two sizes (memory must stay flat).
//
// --project DIR measures another checkout's built packages (for before/after figures in one sitting).
// --no-gc skips the forced gc() before each case: a forced full GC collects the per-run objects whose maps the
// optimized decode code embeds, V8 deoptimizes that code ("reason: weak objects", see --trace-deopt) and each
// run then pays for re-optimizing it. The default keeps the gc() (the published figures use it); --no-gc shows
// the steady state a long-lived session runs in.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { from } from 'rxjs';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');
const args = process.argv.slice(2);
const valueOf = (name) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const project = resolve(valueOf('--project') ?? root);
const load = (pkg) => import(pathToFileURL(join(project, 'packages', pkg, 'dist/index.js')).href);

// ------------------------------------------------------------------------------------------------------------
// Child mode: replay one file and report.
// ------------------------------------------------------------------------------------------------------------

if (args[0] === '--replay-child') {
  const file = args[1];
  const { replaySession } = await load('replay-cli');
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const session = replaySession(file, { speed: 'max' });
  let messages = 0;
  let nick = 0;
  session.messages$.subscribe((m) => {
    messages++;
    if (m.user?.nickname) nick++;
  });
  await session.done;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  console.log(
    JSON.stringify({
      messages,
      nick,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      maxRssKiB: process.resourceUsage().maxRSS,
    }),
  );
  process.exit(0);
}

// ------------------------------------------------------------------------------------------------------------
// Options and corpus
// ------------------------------------------------------------------------------------------------------------

const quick = args.includes('--quick');
function option(name, fallback) {
  const raw = valueOf(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer`);
  return n;
}
const FRAMES = option('--frames', quick ? 1000 : 5000);
const ITERATIONS = option('--iterations', quick ? 3 : 7);
const WARMUP = option('--warmup', quick ? 1 : 2);
const ONLY = valueOf('--only')?.split(',');
const REPLAY = !args.includes('--no-replay');
const FORCE_GC = !args.includes('--no-gc');
const DECLARED_FOR_CHECK = new Set([
  'WebcastChatMessage',
  'WebcastMemberMessage',
  'WebcastLikeMessage',
  'WebcastGiftMessage',
  'WebcastSocialMessage',
  'WebcastRoomUserSeqMessage',
  'WebcastRoomStatsMessage',
]);

const shared = join(root, '..', 'shared');
const makeCorpus = join(shared, 'bench', 'make_corpus.py');
if (!existsSync(makeCorpus) || !existsSync(join(shared, 'realdata', 'payloads'))) {
  console.log(`bench-decode-real: SKIPPED, ${makeCorpus} or ../shared/realdata is absent (real payloads needed)`);
  process.exit(0);
}
const tmp = mkdtempSync(join(os.tmpdir(), 'douyin-decode-real-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const corpusPath = join(tmp, 'corpus.frames');
const made = spawnSync('python3', [makeCorpus, '--frames', String(FRAMES), '--out', corpusPath], {
  encoding: 'utf8',
  env: { ...process.env, BENCH_OUT: tmp },
});
if (made.status !== 0) {
  console.log(`bench-decode-real: SKIPPED, make_corpus.py failed: ${made.error?.message ?? made.stderr}`);
  process.exit(0);
}
const data = readFileSync(corpusPath);
const frames = [];
for (let i = 0; i < data.length;) {
  const len = data.readUInt32BE(i);
  i += 4;
  frames.push(new Uint8Array(data.buffer, data.byteOffset + i, len));
  i += len;
}
const mix = /mix\s+(.*)/.exec(made.stdout)?.[1] ?? '';

const core = await load('core');
// The inflater core uses, and a switch between it and Node's zlib (checkouts from before it existed: zlib only).
const inflater = await import(pathToFileURL(join(project, 'packages/core/dist/pipeline/inflate.js')).href);
const inUse = inflater.inflaterInUse?.() ?? { name: 'zlib', reason: 'this checkout has no native inflater' };
const nativeBinding = inflater.useNativeInflater?.(null) ?? null;
inflater.useNativeInflater?.(nativeBinding);
/** A corpus payload (a plain gzip member) inflated by the binding, as core's plain-member path does. */
function inflateWithBinding(gz) {
  const n = gz.length;
  const size = (gz[n - 4] | (gz[n - 3] << 8) | (gz[n - 2] << 16) | (gz[n - 1] << 24)) >>> 0;
  const out = Buffer.allocUnsafe(size + 1);
  if (nativeBinding.inflateRawInto(gz, 10, n - 18, out, size + 1) !== size) throw new Error('libdeflate refused');
  return out.subarray(0, size);
}
const { methodTypes } = await import(pathToFileURL(join(project, 'packages/core/dist/gen/douyin.js')).href);

// ------------------------------------------------------------------------------------------------------------
// Floors: hand-written wire walks (no objects, no strings)
// ------------------------------------------------------------------------------------------------------------

let P = 0;
function varint(buf) {
  let b = buf[P++];
  if (b < 0x80) return b;
  let r = b & 0x7f;
  let s = 7;
  do {
    b = buf[P++];
    if (s < 28) r |= (b & 0x7f) << s;
    s += 7;
  } while (b >= 0x80);
  return r >>> 0;
}
function skip(buf, wt) {
  if (wt === 0) while (buf[P++] >= 0x80);
  else if (wt === 2) {
    const len = varint(buf); // read first: `P += varint(buf)` would add to the old P
    P += len;
  } else if (wt === 1) P += 8;
  else if (wt === 5) P += 4;
  else throw new Error(`wire type ${wt}`);
}
/** The gzip'd payload of a PushFrame, as [start, end). */
function payloadOf(buf) {
  P = 0;
  let start = -1;
  let end = -1;
  while (P < buf.length) {
    const tag = varint(buf);
    if (tag === 0x42) {
      const len = varint(buf);
      start = P;
      end = P + len;
      P = end;
    } else skip(buf, tag & 7);
  }
  return buf.subarray(start, end);
}

// Nested-type table from proto/douyin.proto: SUB[type][field] = nested type index, or -1.
const schema = protobuf.loadSync(join(root, 'proto/douyin.proto')).lookup('douyin');
const typeList = schema.nestedArray.filter((t) => t instanceof protobuf.Type);
const typeIndex = new Map(typeList.map((t, i) => [t.name, i]));
const SUB = [];
const MAP_ENTRY = new Map();
for (const t of typeList) {
  const max = Math.max(0, ...t.fieldsArray.map((f) => f.id));
  SUB.push(new Int32Array(max + 1).fill(-1));
}
typeList.forEach((t, i) => {
  for (const f of t.fieldsArray) {
    f.resolve();
    if (f.map) {
      // A map entry is a message { key = 1; value = 2 }: walk it, and its value when that is a message.
      const value = f.resolvedType instanceof protobuf.Type ? typeIndex.get(f.resolvedType.name) : -1;
      const key = `map:${value}`;
      if (!MAP_ENTRY.has(key)) {
        MAP_ENTRY.set(key, SUB.length);
        SUB.push(Int32Array.from([-1, -1, value]));
      }
      SUB[i][f.id] = MAP_ENTRY.get(key);
    } else if (f.resolvedType instanceof protobuf.Type) SUB[i][f.id] = typeIndex.get(f.resolvedType.name);
  }
});
const METHOD_TYPE = new Map(Object.entries(methodTypes).map(([m, t]) => [m, typeIndex.get(t)]));
const ascii = new TextDecoder('latin1');

function walkDeep(buf, start, end, t) {
  const sub = SUB[t];
  P = start;
  while (P < end) {
    const tag = varint(buf);
    const wt = tag & 7;
    if (wt !== 2) {
      skip(buf, wt);
      continue;
    }
    const len = varint(buf);
    const fieldEnd = P + len;
    const fn = tag >>> 3;
    const st = fn < sub.length ? sub[fn] : -1;
    if (st >= 0) walkDeep(buf, P, fieldEnd, st);
    P = fieldEnd;
  }
}

/** Walks a Response; `deep` walks every known payload into its nested messages. Returns envelopes seen. */
function walkResponse(r, deep) {
  let messages = 0;
  const end = r.length;
  P = 0;
  while (P < end) {
    const tag = varint(r);
    if (tag !== 0x0a) {
      skip(r, tag & 7);
      continue;
    }
    const len = varint(r);
    const mEnd = P + len;
    let method = -1;
    let methodEnd = -1;
    let payload = -1;
    let payloadEnd = -1;
    while (P < mEnd) {
      const t = varint(r);
      if (t === 0x0a || t === 0x12) {
        const l = varint(r);
        if (t === 0x0a) [method, methodEnd] = [P, P + l];
        else [payload, payloadEnd] = [P, P + l];
        P += l;
      } else skip(r, t & 7);
    }
    messages++;
    if (payload >= 0) {
      if (deep) {
        const type = METHOD_TYPE.get(ascii.decode(r.subarray(method, methodEnd)));
        if (type !== undefined) walkDeep(r, payload, payloadEnd, type);
      } else {
        P = payload;
        while (P < payloadEnd) skip(r, varint(r) & 7);
      }
    }
    P = mEnd;
  }
  return messages;
}

// ------------------------------------------------------------------------------------------------------------
// protobufjs reflection (the naive decoder)
// ------------------------------------------------------------------------------------------------------------

const pbTypes = new Map(typeList.map((t) => [t.name, t]));
const toObj = (type, m) => type.toObject(m, { longs: String, defaults: false });
const PushFrame = pbTypes.get('PushFrame');
const Response = pbTypes.get('Response');

// ------------------------------------------------------------------------------------------------------------
// Cases
// ------------------------------------------------------------------------------------------------------------

const count = () => ({ messages: 0, typed: 0, nick: 0, content: 0, failures: 0, acks: 0 });
function tally(c, m) {
  if (m.kind === 'decode-failure') {
    c.failures++;
    return;
  }
  c.messages++;
  if (m.unknown) return;
  if (!DECLARED_FOR_CHECK.has(m.method)) return;
  c.typed++;
  if (m.user?.nickname) c.nick++;
  if (m.content) c.content++;
}

const cases = {
  gunzip: {
    label: 'floor: gunzip only (zlib.gunzipSync)',
    run() {
      const c = count();
      for (const f of frames) c.messages += gunzipSync(payloadOf(f)).length > 0 ? 0 : 1;
      return c;
    },
  },
  shallow: {
    label: 'floor: gunzip + wire walk (Response, envelopes, payload top level)',
    run() {
      const c = count();
      for (const f of frames) c.messages += walkResponse(gunzipSync(payloadOf(f)), false);
      return c;
    },
  },
  deep: {
    label: 'floor: gunzip + wire walk into every declared nested message',
    run() {
      const c = count();
      for (const f of frames) c.messages += walkResponse(gunzipSync(payloadOf(f)), true);
      return c;
    },
  },
  'deep-libdeflate': {
    label: 'floor: deep, inflated by the libdeflate binding instead of gunzipSync',
    native: true,
    run() {
      const c = count();
      for (const f of frames) c.messages += walkResponse(inflateWithBinding(payloadOf(f)), true);
      return c;
    },
  },
  protobufjs: {
    label: 'protobufjs reflection + toObject(longs: String)',
    run() {
      const c = count();
      for (const bytes of frames) {
        const frame = toObj(PushFrame, PushFrame.decode(bytes));
        const body = gunzipSync(frame.payload);
        const response = toObj(Response, Response.decode(body));
        if (response.needAck) c.acks++;
        for (const m of response.messages ?? []) {
          const type = pbTypes.get(methodTypes[m.method]);
          if (type === undefined) {
            c.messages++;
            continue;
          }
          let decoded;
          try {
            decoded = toObj(type, type.decode(m.payload));
          } catch {
            try {
              // toObject throws on a real map entry without a value: count the decode alone then.
              decoded = type.decode(m.payload);
            } catch {
              c.failures++;
              continue;
            }
          }
          tally(c, { kind: 'message', method: m.method, user: decoded.user, content: decoded.content });
        }
      }
      return c;
    },
  },
  full: {
    label: 'ours: livePipeline, every message typed',
    run() {
      const c = count();
      from(frames)
        .pipe(core.livePipeline({ send: () => void c.acks++ }))
        .subscribe((m) => tally(c, m));
      return c;
    },
  },
  'full-zlib': {
    label: "ours: livePipeline, with Node's zlib instead of libdeflate",
    native: true,
    run() {
      const binding = inflater.useNativeInflater(null);
      try {
        return cases.full.run();
      } finally {
        inflater.useNativeInflater(binding);
      }
    },
  },
  lazy: {
    label: "ours: liveEnvelopes + ofMethod('WebcastChatMessage')",
    run() {
      const c = count();
      from(frames)
        .pipe(core.liveEnvelopes({ send: () => void c.acks++ }), core.ofMethod('WebcastChatMessage'))
        .subscribe((m) => {
          c.typed++;
          if (m.user.nickname) c.nick++;
          if (m.content) c.content++;
        });
      return c;
    },
  },
  sync: {
    label: 'ours: the same stages as plain calls (no RxJS)',
    run() {
      const c = count();
      for (const bytes of frames) {
        const f = core.decodeFrame(bytes);
        if (f.kind !== 'frame') {
          c.failures++;
          continue;
        }
        const r = core.unpackResponse(f);
        if (r.kind !== 'response') {
          c.failures++;
          continue;
        }
        if (core.ackFor(r)) c.acks++;
        for (const e of core.envelopesOf(r)) tally(c, e.decode());
      }
      return c;
    },
  },
  frame: {
    label: 'ours: decodeFrame + ackFor only (no inflate, no Response)',
    run() {
      const c = count();
      const response = { needAck: true, internalExt: '' };
      for (const bytes of frames) {
        const f = core.decodeFrame(bytes);
        if (f.kind !== 'frame') c.failures++;
        else if (core.ackFor({ kind: 'response', frame: f, response })) c.acks++;
      }
      return c;
    },
  },
};

const selected = Object.keys(cases).filter(
  (k) => (!ONLY || ONLY.includes(k)) && (cases[k].native !== true || nativeBinding !== null),
);
const gc = (FORCE_GC ? globalThis.gc : undefined) ?? (() => undefined);
const wall = Object.fromEntries(selected.map((k) => [k, []]));
const cpu = Object.fromEntries(selected.map((k) => [k, []]));
const checks = {};
console.log(
  `bench-decode-real: ${frames.length} frames of real payloads (${(data.length / 1e6).toFixed(1)} MB), ` +
    `${WARMUP} warm-up + ${ITERATIONS} timed rounds${FORCE_GC ? '' : ' (no forced gc)'}, node ${process.version}, ${os.cpus().length} cpu` +
    (project !== root ? `, project ${project}` : ''),
);
console.log(
  inUse.name === 'libdeflate'
    ? `inflater: libdeflate ${inUse.version} (@douyin-live/libdeflate); full-zlib and deep-libdeflate compare both`
    : `inflater: Node's zlib (${inUse.reason})`,
);
for (let round = 0; round < WARMUP + ITERATIONS; round++) {
  // Rotate the order: the case right after gc() also pays for the collector's background threads in its CPU time.
  const order = selected.map((_, i) => selected[(i + round) % selected.length]);
  for (const k of order) {
    gc();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    checks[k] = cases[k].run();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    if (round >= WARMUP) {
      wall[k].push(ms);
      cpu[k].push((c.user + c.system) / 1e3);
    }
  }
}

const best = (xs) => Math.min(...xs);
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const fps = (ms) => (frames.length / ms) * 1000;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
// Ratios from each case's best CPU time (user + system of this process): on a shared machine, wall time also
// counts the time other processes held the core; CPU time does not.
const ratio = (k, floor) => (cpu[floor] ? `${(best(cpu[floor]) / best(cpu[k])).toFixed(2)}×` : '—');
const totalMessages = checks.full?.messages ?? checks.sync?.messages ?? checks.shallow?.messages ?? 0;
console.log(
  `\ncorpus mix: ${mix}; ${fmt(totalMessages)} messages (${(totalMessages / frames.length).toFixed(2)}/frame)`,
);
console.log(
  '\n| case | wall best / median ms | frames/s (wall best) | CPU ms (best) | frames/s (CPU) | × deep floor | × shallow floor | vs protobufjs |',
);
console.log('|:---|---:|---:|---:|---:|---:|---:|---:|');
// (ratios: best CPU time of the floor or baseline ÷ best CPU time of the case)
for (const k of selected) {
  const b = best(wall[k]);
  console.log(
    `| ${cases[k].label} | ${b.toFixed(0)} / ${median(wall[k]).toFixed(0)} | ${fmt(fps(b))} | ` +
      `${best(cpu[k]).toFixed(0)} | ${fmt(fps(best(cpu[k])))} | ` +
      `${ratio(k, 'deep')} | ${ratio(k, 'shallow')} | ${ratio(k, 'protobufjs')} |`,
  );
}
console.log('\nchecks (every full decoder must agree):');
for (const k of ['protobufjs', 'full', 'full-zlib', 'sync', 'lazy'].filter((x) => checks[x])) {
  const c = checks[k];
  console.log(
    `  ${k.padEnd(10)} messages=${c.messages} typed(7 methods)=${c.typed} nickname=${c.nick} content=${c.content} ` +
      `failures=${c.failures} acks=${c.acks}`,
  );
}
const full = ['protobufjs', 'full', 'full-zlib', 'sync'].filter((x) => checks[x]).map((x) => checks[x]);
const agree = full.every((c) => ['messages', 'typed', 'nick', 'content'].every((f) => c[f] === full[0][f]));
if (!agree) {
  console.error('bench-decode-real: the decoders disagree on the counts above');
  process.exitCode = 1;
}

// ------------------------------------------------------------------------------------------------------------
// Replay of a real-payload recording
// ------------------------------------------------------------------------------------------------------------

if (REPLAY) {
  const { createRecorder } = await load('recorder');
  /** Writes the corpus `times` over as a recording: each frame, then the ack the client would send. */
  async function writeRecording(path, times) {
    let now = 1_790_000_000_000;
    const recorder = createRecorder(path, {
      room: { webRid: '261378947940', roomId: '7400000000000000001', title: 'bench (real payloads)' },
      schemaHash: 'unknown',
      now: () => now,
      flushBytes: 4 * 1024 * 1024,
    });
    recorder.write({ direction: 'open', connection: 1, at: now, url: 'wss://bench.invalid/push', headers: {} });
    let n = 0;
    for (let t = 0; t < times; t++) {
      for (const bytes of frames) {
        now += 100;
        recorder.write({ direction: 'in', connection: 1, at: now, bytes });
        const f = core.decodeFrame(bytes);
        const ack = f.kind === 'frame' ? core.ackFor(core.unpackResponse(f)) : undefined;
        if (ack) recorder.write({ direction: 'out', connection: 1, at: now + 1, bytes: ack });
        if (++n % 2000 === 0) await recorder.flush();
      }
    }
    recorder.write({ direction: 'close', connection: 1, at: now + 10, code: 1000, reason: '' });
    await recorder.end();
  }
  console.log('\nreplaySession(file, { speed: "max" }), messages$ subscribed, in a fresh child process:');
  console.log(
    '(the file repeats the corpus; repeated msgIds inside the dedupe window are dropped after decoding, so the ' +
      'rate is of messages in the file)',
  );
  console.log(
    '\n| recording | messages in file | emitted | time s | CPU s | messages/s (wall) | messages per CPU-s | peak RSS |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const times of quick ? [1, 3] : [1, 4]) {
    const file = join(tmp, `real-${times}.dyrec`);
    await writeRecording(file, times);
    const size = statSync(file).size;
    const child = spawnSync(
      process.execPath,
      [self, '--replay-child', file, ...(project !== root ? ['--project', project] : [])],
      { encoding: 'utf8' },
    );
    if (child.status !== 0) throw new Error(`replay child failed: ${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').at(-1));
    const inFile = totalMessages * times;
    console.log(
      `| ${(size / 1e6).toFixed(0)} MB (${fmt(frames.length * times)} frames) | ${fmt(inFile)} | ${fmt(r.messages)} | ` +
        `${r.seconds.toFixed(2)} | ${r.cpuSeconds.toFixed(2)} | ${fmt(inFile / r.seconds)} | ` +
        `${fmt(inFile / r.cpuSeconds)} | ${(r.maxRssKiB / 1024).toFixed(0)} MB |`,
    );
    rmSync(file, { force: true });
  }
}
