#!/usr/bin/env node
// Many rooms in one process: `connectRooms` against 1, 10, 100 and 1,000 simulated rooms, each at a realistic
// message rate, plus 1,000 quiet rooms. The simulator runs in a CHILD process (so server and client CPU are
// separable), all on 127.0.0.1, heartbeats every 10 s as in production.
//
// Usage: node --expose-gc scripts/bench-rooms.mjs [--quick] [--tiers 1,10,100,1000,1000@8,1000:synthetic]
//          [--rate 20] [--seconds 15] [--idle 1000] [--no-idle] [--gc-profile-seconds 5]
//          [--payloads real|synthetic] [--realdata DIR] [--project DIR[,DIR...]] [--rounds 1]
//          [--client-node-flags "--flag ..."]
// A tier is `rooms` (at --rate msg/s per room), `rooms@rate`, and either with `:real` or `:synthetic` to override
// --payloads for that tier.
//
// Payloads. *real* (the default when ../shared/realdata exists beside the checkout, or --realdata names it):
// every message is a real captured payload from ../shared/realdata (read here at bench time, never copied into
// the repository), drawn in the real corpus's mix (member 35 %, chat 25 %, like 15 %, RoomUserSeq 8 %, gift 7 %,
// social 4 %, RoomStats 3 %, 3 % other methods; as ../shared/bench/make_corpus.py), with `common.msgId` rewritten
// to the envelope's msgId (unique per room, for the lost/dup check) and `common.create_time` to the send time (for
// the latency); every other byte as captured. The simulator pushes them as they are (guest masking off, which
// would re-encode them). *synthetic*: the seeded scenario's messages, made by our own builders (lighter: a real
// MemberMessage is 4.2 KB, a built one a fraction of that). Both at the same rate and cadence: one frame per room
// every 250 ms, ~rate/4 messages in it. When ../shared/realdata is absent the default falls back to synthetic and
// says so; headline figures are the real ones.
//
// --project runs the tiers against other checkouts' built packages (each DIR a repository root with
// `npm run build` done), alternating them tier by tier, --rounds times: before/after in one sitting. This script
// and its simulator child always come from this checkout; the client, its pipeline and the simulator package
// from the tree being measured.
//
// On the 2-vCPU reference machine the simulator saturates at 1,000 rooms (~4,000 frames/s, ~1.1 cores): the
// 1,000-room rows run at what the server sustains (printed); the client's CPU is reported per message.
// (normally through `npm run bench -- rooms`, which builds first). Imports the built packages (packages/*/dist).
// Profiling one tier's client, measurement window only (100 µs samples, BENCH_CPU_PROFILE_INTERVAL_US to change):
//   BENCH_CPU_PROFILE=/tmp/rooms.cpuprofile node scripts/bench-rooms.mjs --client 1000 --rate 20 --seconds 10
// (open the file in Chrome DevTools → Performance; `node --cpu-prof` works too but includes the joins). The
// sampling costs CPU itself: read proportions from the profile, CPU figures from runs without it. Each tier's JSON
// line also has `threads`: the main thread's user and kernel time and the other threads' (V8's GC helpers), per
// 1,000 messages, from /proc (Linux).
// Allocations of the window by stack (every object, collected or not; DevTools → Memory → load):
//   BENCH_HEAP_PROFILE=/tmp/rooms.heapprofile node scripts/bench-rooms.mjs --client 1000 --rate 20 --seconds 10
// What a quiet room keeps on the heap (a snapshot after gc(), DevTools → Memory → load):
//   BENCH_HEAP_SNAPSHOT=/tmp/rooms.heapsnapshot node --expose-gc scripts/bench-rooms.mjs --client 200 --rate 0
//
// Per tier, a fresh client process (its own heap, so peak RSS belongs to that tier) forks its simulator. Each
// simulated message is built at the moment it is pushed (the source builds its batch lazily when the timeline's
// timer fires), so `common.create_time` is the server's send time; the client subtracts it from `Date.now()` at
// the emission on `pool.messages$` — both processes read the same machine clock, resolution 1 ms. At the end
// the simulator stops generating, sends every msgId it delivered to each room over IPC, and the client compares
// them with what the pool emitted: nothing may be lost or emitted twice. The pipeline alone is measured in a
// fresh process of its own right before each tier, on the same kind of messages framed as the simulator frames
// them.
import { fork, spawn } from 'node:child_process';
import os from 'node:os';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { loadRealPool, poissonCount, realMessages, simulatorFrame } from './lib/realPayloads.mjs';
import { optionsOf, projectsOf } from './lib/args.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = optionsOf(args);
const quick = flag('--quick');
// The checkouts measured (repository roots, built); the first is this one unless --project says otherwise.
const PROJECTS = projectsOf(option, join(here, '..'));
const ROUNDS = Number(option('--rounds', '1'));
/** A built package file of the checkout `project`. */
const distOf = (project, path) => join(project, 'packages', path);
// Children get the one project they measure.
const dist = (path) => distOf(PROJECTS[0], path);
const REALDATA = resolvePath(option('--realdata', join(here, '..', '..', 'shared', 'realdata')));
const HAVE_REALDATA = existsSync(join(REALDATA, 'payloads')) && existsSync(join(REALDATA, 'responses'));
const PAYLOADS = option('--payloads', HAVE_REALDATA ? 'real' : 'synthetic');
if (PAYLOADS !== 'real' && PAYLOADS !== 'synthetic') throw new Error(`--payloads must be real or synthetic`);
if (PAYLOADS === 'real' && !HAVE_REALDATA) throw new Error(`--payloads real: no real payloads in ${REALDATA}`);
const RATE = Number(option('--rate', '20')); // messages per second per room
const SECONDS = Number(option('--seconds', quick ? '6' : '15')); // measurement window
// V8 flags for the client processes only, to compare GC settings: --client-node-flags "--heap-growing-percent=50".
const CLIENT_NODE_FLAGS = option('--client-node-flags', '').split(' ').filter(Boolean);
// A second, shorter window under the CPU profiler, only to read the garbage collector's share of the main thread
// (pauses *and* the incremental marking steps V8 interleaves with allocation, which perf_hooks does not report).
const GC_PROFILE_SECONDS = Number(option('--gc-profile-seconds', quick ? '3' : '5'));
const WARMUP_MS = quick ? 1500 : 3000;
const IDLE_SECONDS = quick ? 8 : 20;
const TICK_MS = 250; // one frame per room every 250 ms, ~5 messages each at 20 msg/s
const HEARTBEAT_MS = 10_000; // production heartbeat
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const gc = () => globalThis.gc?.();

// -------------------------------------------------------------------------------------------------------
// Simulator child
// -------------------------------------------------------------------------------------------------------

/** The scenario rates that give ~`rate` messages/s per room (gift streaks add ~2.4 messages per gift sent). */
function scenarioFor(rate, seed) {
  const k = rate / 20;
  return {
    seed,
    tickMs: TICK_MS,
    chatPerSecond: 8 * k,
    likePerSecond: 4 * k,
    memberPerSecond: 4 * k,
    giftPerSecond: 0.8 * k,
    followPerSecond: 0.1 * k,
    sharePerSecond: 0.05 * k,
    statsIntervalMs: 2000,
    historyMessages: 3,
  };
}

async function simulatorMain() {
  const { startSimulator, scenarioSource, simulatedRooms, mulberry32 } = await import(dist('simulator/dist/index.js'));
  const { decodeWire } = await import(dist('core/dist/index.js'));
  // Quiet until every room has joined, so the joins are not measured against a server busy generating.
  const state = { quiet: true };
  let sim;
  let mark;
  const pushedSince = () =>
    Object.values(sim.stats.messagesSent).reduce((n, list) => n + list.length, 0) - (mark?.messages ?? 0);

  /**
   * A source that decides its batch times up front but builds each batch's messages (`build()`) only when the
   * timeline's timer fires and reads `messages` (right before the push), so create_time is the send time. Rooms are
   * spread over the tick so 1,000 rooms do not all push in the same millisecond; a quiet room builds nothing.
   */
  const tickedSource = (index, rooms, rate, history, build) => {
    const phase = Math.floor((index * TICK_MS) / rooms);
    let tick = 0;
    return {
      history: () => (rate > 0 ? history() : []),
      next: () => {
        tick += 1;
        let built;
        return {
          atMs: phase + tick * TICK_MS,
          get messages() {
            return (built ??= state.quiet || rate === 0 ? [] : build());
          },
        };
      },
    };
  };

  /** Synthetic messages: the seeded scenario of our own builders. */
  const lazySource = (context, index, rooms, rate) => {
    const inner = scenarioSource(scenarioFor(rate, index + 1), context);
    return tickedSource(
      index,
      rooms,
      rate,
      () => inner.history?.() ?? [],
      () => inner.next()?.messages ?? [],
    );
  };

  /** Real payloads: a Poisson count per tick, each message a real payload with this room's ids. */
  const realSource = (pool, index, rooms, rate) => {
    const messages = realMessages(pool, mulberry32, index);
    return tickedSource(
      index,
      rooms,
      rate,
      () => messages.next(3),
      () => messages.next(poissonCount(messages.random, rate, TICK_MS)),
    );
  };

  process.on('message', async (msg) => {
    if (msg.cmd === 'start') {
      const pool = msg.payloads === 'real' ? loadRealPool(decodeWire, REALDATA) : undefined;
      sim = await startSimulator({
        rooms: simulatedRooms(msg.rooms, {
          room: (i) => ({
            source: (context) =>
              pool ? realSource(pool, i, msg.rooms, msg.rate) : lazySource(context, i, msg.rooms, msg.rate),
          }),
        }),
        // Real payloads go out byte for byte: masking a guest's copy would decode and re-encode them.
        maskGuests: !pool,
        // Production-like liveness: the client beats every 10 s, the server pings every 10 s.
        heartbeatTimeoutMs: 30_000,
        pingIntervalMs: 10_000,
        pongTimeoutMs: 20_000,
        // Enough backlog for a resume; 1,000 rooms × the default 10,000 would hold millions of messages.
        retainMessages: 300,
      });
      process.send({ cmd: 'started', httpUrl: sim.httpUrl, webRids: sim.rooms.map((r) => r.webRid) });
    } else if (msg.cmd === 'go') {
      state.quiet = false;
      process.send({ cmd: 'going' });
    } else if (msg.cmd === 'mark') {
      mark = { cpu: process.cpuUsage(), messages: 0 };
      mark.messages = pushedSince();
      process.send({ cmd: 'marked' });
    } else if (msg.cmd === 'measure') {
      process.send({ cmd: 'measured', cpu: process.cpuUsage(mark.cpu), messages: pushedSince() });
    } else if (msg.cmd === 'quiesce') {
      state.quiet = true;
      await sleep(50);
      // Every msgId delivered to each room (pushed or in im/fetch), as the last 9 digits (the factory counter).
      const sent = {};
      for (const [webRid, list] of Object.entries(sim.stats.messagesSent)) {
        sent[webRid] = Int32Array.from(new Set(list.map((m) => Number(m.msgId.slice(-9)))));
      }
      const connections = sim.stats.connections.length;
      process.send({ cmd: 'sent', sent, connections, rss: process.memoryUsage().rss });
    } else if (msg.cmd === 'close') {
      await sim?.close();
      process.exit(0);
    }
  });
  process.send({ cmd: 'ready' });
}

// -------------------------------------------------------------------------------------------------------
// Client (one tier)
// -------------------------------------------------------------------------------------------------------

function request(child, cmd, extra = {}) {
  const reply = { start: 'started', go: 'going', mark: 'marked', measure: 'measured', quiesce: 'sent' }[cmd];
  return new Promise((resolve) => {
    const on = (msg) => {
      if (msg.cmd !== reply) return;
      child.off('message', on);
      resolve(msg);
    };
    child.on('message', on);
    child.send({ cmd, ...extra });
  });
}

/**
 * Sums the garbage collector's pauses that V8 reports ('gc' performance entries) starting between `start()` and
 * `stop()`: total ms, and ms and count per kind (minor = scavenge, major = mark-compact, incremental = marking
 * steps, weak = weak callbacks). Incremental marking done concurrently on helper threads is not a pause and is
 * not counted here (it shows in the process's CPU time).
 */
function gcMeter() {
  const kinds = {
    [perfConstants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
    [perfConstants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
    [perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [perfConstants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
  };
  const totals = { ms: 0 };
  for (const kind of Object.values(kinds)) totals[kind] = { ms: 0, n: 0 };
  let from = Infinity;
  let to = Infinity;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (entry.startTime < from || entry.startTime >= to) continue;
      const kind = kinds[entry.detail?.kind] ?? 'minor';
      totals.ms += entry.duration;
      totals[kind].ms += entry.duration;
      totals[kind].n++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    start: () => (from = performance.now()),
    /** Closes the window; entries arrive asynchronously, so the last ones are awaited before the totals. */
    stop: async () => {
      to = performance.now();
      await sleep(100);
      observer.disconnect();
      return totals;
    },
  };
}

/**
 * CPU time of this process's threads from /proc (Linux; undefined elsewhere), in ms: the main thread's user and
 * kernel time, and the other threads' (V8's GC helpers: concurrent marking, parallel scavenging). 10 ms ticks.
 */
function threadCpu() {
  try {
    let main = { user: 0, system: 0 };
    const others = { user: 0, system: 0 };
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 14 and 15 of stat(5) (utime, stime), counted from the state field (3).
      const t = { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
      if (Number(tid) === process.pid) main = t;
      else {
        others.user += t.user;
        others.system += t.system;
      }
    }
    return { main, others };
  } catch {
    return undefined;
  }
}

const countTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const countSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
/** Latency histogram size: one bucket per ms, the last one for everything from a minute on. */
const LATENCY_BUCKETS = 60_001;
/** `percentile` of the `samples` values counted in `histogram` (bucket i = value i): the same rank rule. */
function histogramPercentile(histogram, samples, p) {
  if (samples === 0) return NaN;
  const rank = Math.min(samples - 1, Math.floor(p * samples));
  let seen = 0;
  for (let value = 0; value < histogram.length; value++) {
    seen += histogram[value];
    if (seen > rank) return value;
  }
  return NaN;
}

/**
 * Starts V8's CPU profiler (`cpu`) or sampling heap profiler (`heap`: every allocation of the window by stack,
 * collected or not) in this process; the returned function stops it and writes the profile to `path`.
 */
async function startProfiler(kind) {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  if (kind === 'cpu') {
    await session.post('Profiler.enable');
    // 100 µs instead of the default 1 ms: the client's main thread is mostly idle, 1 ms samples are too few.
    await session.post('Profiler.setSamplingInterval', {
      interval: Number(process.env.BENCH_CPU_PROFILE_INTERVAL_US ?? 100),
    });
    await session.post('Profiler.start');
  } else {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      // BENCH_HEAP_PROFILE_SURVIVORS=1: only what outlived the young generation (promoted, collected by a major GC
      // or still alive), i.e. what makes the old generation grow between mark-compacts.
      includeObjectsCollectedByMinorGC: !process.env.BENCH_HEAP_PROFILE_SURVIVORS,
    });
  }
  return async (path) => {
    const { profile } = await session.post(kind === 'cpu' ? 'Profiler.stop' : 'HeapProfiler.stopSampling');
    writeFileSync(path, JSON.stringify(profile));
    session.disconnect();
  };
}

/**
 * Runs `body` under the CPU profiler and returns the share of its wall time that the samples found in the garbage
 * collector on the main thread (the `(garbage collector)` node) and busy at all (not `(idle)`).
 */
async function gcShareByProfiler(body) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const t0 = performance.now();
  await body();
  const { profile } = await session.post('Profiler.stop');
  const wallUs = (performance.now() - t0) * 1000;
  session.disconnect();
  const timeOf = new Map();
  profile.samples.forEach((id, i) => timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let gcUs = 0;
  let idleUs = 0;
  for (const node of profile.nodes) {
    if (node.callFrame.functionName === '(garbage collector)') gcUs += timeOf.get(node.id) ?? 0;
    if (node.callFrame.functionName === '(idle)') idleUs += timeOf.get(node.id) ?? 0;
  }
  return { gcShare: gcUs / wallUs, busyShare: 1 - idleUs / wallUs };
}

async function until(predicate, timeoutMs, what) {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

async function clientMain(rooms, rate) {
  const { connectRooms } = await import(dist('core/dist/rooms/pool.js'));
  const child = fork(fileURLToPath(import.meta.url), ['--simulator', '--project', PROJECTS[0]], {
    serialization: 'advanced',
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  // The simulator must not outlive a client that fails.
  process.on('exit', () => child.kill());
  await new Promise((resolve) => child.once('message', resolve));
  gc();
  const rss0 = process.memoryUsage().rss;
  const timers0 = countTimers();
  const sockets0 = countSockets();
  const { httpUrl, webRids } = await request(child, 'start', { rooms, rate, payloads: PAYLOADS });

  // Bookkeeping per room: how often each msgId (its last 9 digits, dense per room) was emitted.
  const index = new Map(webRids.map((w, i) => [w, i]));
  const counts = webRids.map(() => new Uint8Array(4096));
  const received = new Float64Array(rooms);
  // Latencies in whole ms, as a histogram: an array of one number per message grew to megabytes in the window, its
  // backing store promoted at every other scavenge (the bench's accounting, not the client's work, driving GCs).
  const latencies = new Float64Array(LATENCY_BUCKETS);
  let latencySamples = 0;
  let measuring = false;
  let windowStart = Infinity;
  let windowMessages = 0;
  const errors = new Map();

  const started = Date.now();
  const pool = connectRooms(webRids, {
    session: { endpoints: httpUrl, heartbeatIntervalMs: HEARTBEAT_MS, stallTimeoutMs: 30_000 },
    // Loopback: a fast pace so 1,000 joins take seconds (the defaults would take ~12 minutes, on purpose).
    maxConcurrentJoins: 64,
    requestIntervalMs: 1,
    requestJitterMs: 1,
    requestBurst: 16,
  });
  pool.errors$.subscribe(({ error, fatal }) => {
    const key = `${error.code}${fatal ? ' (fatal)' : ''}`;
    errors.set(key, (errors.get(key) ?? 0) + 1);
  });
  pool.messages$.subscribe(({ room, message }) => {
    const now = Date.now();
    const i = index.get(room);
    const n = Number(message.msgId.slice(-9));
    let c = counts[i];
    if (n >= c.length) {
      const grown = new Uint8Array(Math.max(n + 1, c.length * 2));
      grown.set(c);
      counts[i] = c = grown;
    }
    c[n]++;
    received[i]++;
    if (measuring) {
      windowMessages++;
      if (message.createTime >= windowStart) {
        latencies[Math.min(LATENCY_BUCKETS - 1, Math.max(0, now - message.createTime))]++;
        latencySamples++;
      }
    }
  });

  await until(() => pool.stats.live === rooms, 180_000, `joining ${rooms} rooms`);
  const joinSeconds = (Date.now() - started) / 1000;
  const result = {
    rooms,
    rate,
    payloads: PAYLOADS,
    project: PROJECTS[0],
    joinSeconds,
    timersBefore: timers0,
    socketsBefore: sockets0,
    rssBefore: rss0,
  };

  if (rate === 0) {
    // Quiet rooms: connected, heartbeating, nothing to say. What does each one cost just by being there?
    await sleep(3000);
    gc();
    await sleep(100);
    if (process.env.BENCH_HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
    result.rssIdle = process.memoryUsage().rss;
    result.heapIdle = process.memoryUsage().heapUsed;
    result.timers = countTimers();
    result.sockets = countSockets();
    const cpu0 = process.cpuUsage();
    await sleep(IDLE_SECONDS * 1000);
    const cpu = process.cpuUsage(cpu0);
    result.idleCpuMsPerRoomMinute = ((cpu.user + cpu.system) / 1000 / rooms) * (60 / IDLE_SECONDS);
    result.idleSeconds = IDLE_SECONDS;
  } else {
    await request(child, 'go');
    await sleep(WARMUP_MS);
    await request(child, 'mark');
    const cpuProfiler = process.env.BENCH_CPU_PROFILE ? await startProfiler('cpu') : undefined;
    const heapProfiler = process.env.BENCH_HEAP_PROFILE ? await startProfiler('heap') : undefined;
    const gcWindow = gcMeter();
    const framesIn = () => webRids.reduce((n, w) => n + pool.room(w).stats.framesIn, 0);
    const frames0 = framesIn();
    const threads0 = threadCpu();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    gcWindow.start();
    windowStart = Date.now();
    measuring = true;
    // ArrayBuffer memory (inflated Responses, socket reads) ten times a second: where V8 frees it at scavenges it
    // stays flat; where it piles up until the next mark-compact, that external growth is what keeps starting them.
    const arrayBufferSamples = [];
    const sampler = setInterval(() => arrayBufferSamples.push(process.memoryUsage().arrayBuffers), 100);
    await sleep(SECONDS * 1000);
    clearInterval(sampler);
    measuring = false;
    arrayBufferSamples.sort((a, b) => a - b);
    result.arrayBuffers = { median: percentile(arrayBufferSamples, 0.5), max: arrayBufferSamples.at(-1) };
    const cpu = process.cpuUsage(cpu0);
    const threads1 = threadCpu();
    // Counted at the end of the window (the GC-profile window below must not add its frames).
    const windowFrames = framesIn() - frames0;
    if (threads0 && threads1) {
      const per1k = (ms) => ms / (windowMessages / 1000);
      result.threads = {
        mainUserMsPer1k: per1k(threads1.main.user - threads0.main.user),
        mainSysMsPer1k: per1k(threads1.main.system - threads0.main.system),
        otherUserMsPer1k: per1k(threads1.others.user - threads0.others.user),
        otherSysMsPer1k: per1k(threads1.others.system - threads0.others.system),
      };
    }
    const elapsed = (performance.now() - t0) / 1000;
    const gcTotals = await gcWindow.stop();
    result.gc = gcTotals;
    result.gcShare = gcTotals.ms / 1000 / elapsed; // of wall time
    await cpuProfiler?.(process.env.BENCH_CPU_PROFILE);
    await heapProfiler?.(process.env.BENCH_HEAP_PROFILE);
    // What busy rooms keep alive between frames (no gc() first: the snapshot's own collection keeps what is live
    // now, i.e. what a scavenge at this moment would copy or promote).
    if (process.env.BENCH_HEAP_SNAPSHOT) (await import('node:v8')).writeHeapSnapshot(process.env.BENCH_HEAP_SNAPSHOT);
    const server = await request(child, 'measure');
    if (GC_PROFILE_SECONDS > 0 && !cpuProfiler) {
      result.gcProfile = await gcShareByProfiler(() => sleep(GC_PROFILE_SECONDS * 1000));
    }
    result.window = elapsed;
    result.framesPerSecond = windowFrames / elapsed;
    result.messagesPerSecond = windowMessages / elapsed;
    result.serverMessagesPerSecond = server.messages / elapsed;
    result.clientCpuMsPer1k = (cpu.user + cpu.system) / 1000 / (windowMessages / 1000);
    result.clientSysMsPer1k = cpu.system / 1000 / (windowMessages / 1000); // the kernel's part: socket reads, writes
    result.clientCpuShare = (cpu.user + cpu.system) / 1e6 / elapsed; // of one core
    result.serverCpuShare = (server.cpu.user + server.cpu.system) / 1e6 / elapsed;
    result.latency = {
      samples: latencySamples,
      p50: histogramPercentile(latencies, latencySamples, 0.5),
      p99: histogramPercentile(latencies, latencySamples, 0.99),
      max: histogramPercentile(latencies, latencySamples, 1),
    };

    // Stop the rooms, then compare every room's delivered ids with what the pool emitted.
    const { sent, connections, rss: serverRss } = await request(child, 'quiesce');
    result.serverRss = serverRss;
    result.connections = connections;
    const sentTotal = Object.values(sent).reduce((n, ids) => n + ids.length, 0);
    await until(() => received.reduce((a, b) => a + b, 0) >= sentTotal, 15_000, 'draining').catch(() => undefined);
    let lost = 0;
    let duplicated = 0;
    let extra = 0;
    for (const [webRid, ids] of Object.entries(sent)) {
      const c = counts[index.get(webRid)];
      const expected = new Set(ids);
      for (const id of ids) if (!(c[id] > 0)) lost++;
      for (let n = 0; n < c.length; n++) {
        if (c[n] > 1) duplicated += c[n] - 1;
        if (c[n] > 0 && !expected.has(n)) extra++;
      }
    }
    Object.assign(result, { sentTotal, lost, duplicated, extra });
  }
  result.peakRss = process.resourceUsage().maxRSS * 1024;
  result.errors = Object.fromEntries(errors);
  await pool.close();
  child.send({ cmd: 'close' });
  await new Promise((resolve) => child.once('exit', resolve));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// -------------------------------------------------------------------------------------------------------
// Baseline: the same kind of messages through the pipeline alone (no sockets, no session), in a process of its own
// -------------------------------------------------------------------------------------------------------

/**
 * `livePipeline` alone on 20,000 messages of the tier's kind (`real` or `synthetic`), framed as the simulator
 * frames them (cursor, internal_ext and now headers, need_ack, so the ack encoded per frame is as long), at the same
 * cadence (one frame per 250 ms tick at 20 msg/s). Prints one JSON line.
 */
async function baselineMain(kind) {
  const simulator = await import(dist('simulator/dist/index.js'));
  const testing = await import(dist('testing/dist/index.js'));
  const core = await import(dist('core/dist/index.js'));
  const packages = { core, simulator, testing };
  const { scenarioSource, mulberry32 } = simulator;
  const { messageFactory } = testing;
  const { livePipeline, decodeWire } = core;
  const { from } = await import('rxjs');
  const roomId = '7400000000000100000';
  let nextBatch;
  if (kind === 'real') {
    const real = realMessages(loadRealPool(decodeWire, REALDATA), mulberry32, 0);
    nextBatch = () => real.next(poissonCount(real.random, 20, TICK_MS));
  } else {
    const factory = messageFactory({ roomId, firstMsgId: 7_400_100_000_000_000_000n });
    const source = scenarioSource(scenarioFor(20, 1), { webRid: '200000001', roomId, factory });
    nextBatch = () => source.next().messages;
  }
  const frames = [];
  let messages = 0;
  let seq = 0;
  let now = Date.now();
  const firstReqMs = now;
  while (messages < 20_000) {
    const batch = nextBatch();
    now += TICK_MS;
    if (!batch.length) continue;
    messages += batch.length;
    seq += batch.length;
    const frame = frames.length + 1;
    frames.push(simulatorFrame({ batch, roomId, firstReqMs, now, seq, frame }, packages).bytes);
  }
  // Steady state, like the tiers: one warm-up pass, then CPU over five passes (GC included, no forced gc()).
  const pass = () => {
    let n = 0;
    from(frames)
      .pipe(livePipeline({ send: () => undefined }))
      .subscribe((m) => m.kind === 'message' && n++);
    return n;
  };
  // A checking pass first (not timed): every message decodes, and its `common` carries the envelope's msgId.
  const check = { messages: 0, failures: 0, commonIdMismatches: 0 };
  from(frames)
    .pipe(livePipeline({ send: () => undefined }))
    .subscribe((m) => {
      if (m.kind === 'decode-failure') check.failures++;
      else if (m.kind === 'message') {
        check.messages++;
        if (m.raw?.common !== undefined && m.raw.common.msgId !== m.msgId) {
          check.commonIdMismatches++;
        }
      }
    });
  pass();
  gc();
  const gcRuns = gcMeter();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  gcRuns.start();
  let decoded = 0;
  for (let run = 0; run < 5; run++) decoded += pass();
  const cpu = process.cpuUsage(cpu0);
  const elapsed = performance.now() - t0;
  const gcTotals = await gcRuns.stop();
  // Three more passes under the profiler, for the garbage collector's share including incremental marking.
  const profiled = await gcShareByProfiler(async () => {
    for (let run = 0; run < 3; run++) pass();
  });
  const wireBytes = frames.reduce((n, f) => n + f.length, 0);
  const result = {
    kind,
    project: PROJECTS[0],
    messages,
    frames: frames.length,
    frameBytes: wireBytes / frames.length,
    check,
    cpuMsPer1k: (cpu.user + cpu.system) / 1000 / (decoded / 1000),
    gcShare: gcTotals.ms / elapsed,
    gcProfileShare: profiled.gcShare,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// -------------------------------------------------------------------------------------------------------
// Orchestration
// -------------------------------------------------------------------------------------------------------

/** Runs this script in a child process with `args` and resolves with the JSON of its last stdout line. */
function runChild(args, nodeFlags, what) {
  return new Promise((resolve, reject) => {
    const cp = spawn(process.execPath, ['--expose-gc', ...nodeFlags, fileURLToPath(import.meta.url), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    cp.stdout.on('data', (d) => (out += d));
    cp.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) reject(new Error(`${what} exited ${code}`));
      else resolve(JSON.parse(line));
    });
  });
}

/** One tier's client (and its simulator) in a fresh process, against `project`'s packages. */
function runTier(project, rooms, rate, payloads) {
  const args = ['--client', String(rooms), '--rate', String(rate), '--seconds', String(SECONDS)];
  args.push('--payloads', payloads, '--realdata', REALDATA, '--project', project, ...(quick ? ['--quick'] : []));
  return runChild(args, CLIENT_NODE_FLAGS, `tier ${rooms} rooms`);
}

/** The pipeline alone on `payloads` messages, in a fresh process, with `project`'s packages. */
function runBaseline(project, payloads) {
  const args = ['--baseline', payloads, '--realdata', REALDATA, '--project', project];
  return runChild(args, [], `baseline (${payloads})`);
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const kb = (bytes) => (bytes / 1024).toFixed(0);
const pct = (share) => (Number.isFinite(share) ? `${(share * 100).toFixed(1)} %` : '–');
const fixed = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–');

/** `rooms[@rate][:real|:synthetic]` → a tier. */
function parseTier(spec) {
  const [roomsAndRate, payloads = PAYLOADS] = spec.split(':');
  const [rooms, rate] = roomsAndRate.split('@').map(Number);
  if (payloads !== 'real' && payloads !== 'synthetic') throw new Error(`tier ${spec}: payloads real or synthetic`);
  if (payloads === 'real' && !HAVE_REALDATA) throw new Error(`tier ${spec}: no real payloads in ${REALDATA}`);
  return { rooms, rate: rate ?? RATE, payloads };
}

async function main() {
  const defaultTiers = quick ? '1,10,100' : '1,10,100,1000,1000@8';
  // With real payloads the synthetic corpus is kept as an extra row (the largest tier).
  const extraSynthetic = PAYLOADS === 'real' ? (quick ? ',100:synthetic' : ',1000:synthetic') : '';
  const tiers = option('--tiers', defaultTiers + extraSynthetic)
    .split(',')
    .map(parseTier);
  const idleRooms = flag('--no-idle') ? 0 : Number(option('--idle', quick ? '200' : '1000'));
  const totalStarted = Date.now();
  console.log(
    `Machine: ${os.cpus().length} vCPUs (${os.cpus()[0]?.model.trim()}), ${os.platform()} ${os.arch()}, Node ${process.version}, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `Rate ${RATE} msg/s per room, ${TICK_MS} ms ticks, ${SECONDS} s window after ${WARMUP_MS / 1000} s warm-up, heartbeat ${HEARTBEAT_MS / 1000} s${CLIENT_NODE_FLAGS.length ? `, client flags ${CLIENT_NODE_FLAGS.join(' ')}` : ''}`,
  );
  console.log(
    HAVE_REALDATA
      ? `Payloads: ${PAYLOADS} by default (real captures read from ${REALDATA})`
      : `Payloads: SYNTHETIC ONLY — no real payloads at ${REALDATA} (put ../shared/realdata beside the checkout or pass --realdata): these are not headline figures`,
  );
  if (PROJECTS.length > 1 || ROUNDS > 1) {
    console.log(`Trees, alternated tier by tier, ${ROUNDS} round(s): ${PROJECTS.join(', ')}`);
  }
  console.log('');

  // The pipeline alone is measured again right before each tier, in the tree of that tier (the machine is shared and
  // noisy: a tier's ratio is against the pipeline measured next to it, not minutes earlier).
  const results = [];
  for (const { rooms, rate, payloads } of tiers) {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const project of PROJECTS) {
        process.stderr.write(`… ${rooms} room(s) at ${rate} msg/s, ${payloads} payloads, ${project}, round ${round}\n`);
        const base = await runBaseline(project, payloads);
        results.push({ ...(await runTier(project, rooms, rate, payloads)), base, round });
      }
    }
  }
  const several = PROJECTS.length > 1;
  const treeOf = (r) => (several ? `${r.project.split('/').at(-1)} · ` : '') + (ROUNDS > 1 ? `#${r.round} · ` : '');
  const bases = results.map((r) => r.base);
  for (const kind of ['real', 'synthetic']) {
    const b = bases.filter((x) => x.kind === kind);
    if (b.length === 0) continue;
    console.log(
      `pipeline alone (${kind}): livePipeline on ${b[0].messages} messages in ${b[0].frames} frames ` +
        `(${fixed(b[0].messages / b[0].frames, 1)} per frame, ${kb(b[0].frameBytes)} KiB per frame on the wire), ` +
        `measured before each tier: ${b.map((x) => fixed(x.cpuMsPer1k)).join(', ')} ms CPU / 1k messages`,
    );
  }
  console.log('');
  const one = (r) =>
    results.find(
      (o) =>
        o.rooms === 1 && o.rate === RATE && o.payloads === r.payloads && o.project === r.project && o.round === r.round,
    );
  console.log(
    '| rooms × msg/s, payloads | msg/s in (server sent) | msgs / frame | client CPU ms / 1k msgs (kernel) | main thread user / kernel, other threads | vs 1 room | pipeline alone ms / 1k | vs pipeline alone | GC of wall time: pauses / profiler | client CPU (of 1 core) | server CPU | latency p50 / p99 / max ms | peak RSS / room | lost / dup | join s |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const t = r.threads;
    const first = one(r);
    console.log(
      `| ${treeOf(r)}${r.rooms} × ${r.rate}, ${r.payloads} | ${r.messagesPerSecond.toFixed(0)} (${r.serverMessagesPerSecond.toFixed(0)}) | ` +
        `${fixed(r.messagesPerSecond / r.framesPerSecond, 1)} | ${fixed(r.clientCpuMsPer1k)} (${fixed(r.clientSysMsPer1k)}) | ` +
        `${t ? `${fixed(t.mainUserMsPer1k, 1)} / ${fixed(t.mainSysMsPer1k, 1)}, ${fixed(t.otherUserMsPer1k + t.otherSysMsPer1k, 1)}` : '–'} | ` +
        `${first ? fixed(r.clientCpuMsPer1k / first.clientCpuMsPer1k) + '×' : '–'} | ${fixed(r.base.cpuMsPer1k)} | **${fixed(r.clientCpuMsPer1k / r.base.cpuMsPer1k)}×** | ` +
        `${pct(r.gcShare)} / ${pct(r.gcProfile?.gcShare)} | ` +
        `${(r.clientCpuShare * 100).toFixed(0)} % | ${(r.serverCpuShare * 100).toFixed(0)} % | ` +
        `${r.latency.p50} / ${r.latency.p99} / ${r.latency.max} | ${kb((r.peakRss - r.rssBefore) / r.rooms)} KiB | ` +
        `${r.lost} / ${r.duplicated}${r.extra ? ` (+${r.extra} unexpected)` : ''} | ${fixed(r.joinSeconds, 1)} |`,
    );
  }
  for (const r of results) {
    const kinds = ['minor', 'major', 'incremental', 'weak'].map(
      (k) => `${k} ${r.gc[k].n} × ${fixed(r.gc[k].ms / Math.max(1, r.gc[k].n), 1)} ms`,
    );
    console.log(
      `  GC at ${treeOf(r)}${r.rooms} × ${r.rate}, ${r.payloads}: ${fixed(r.gc.ms, 0)} ms of pauses in ${fixed(r.window, 1)} s (${kinds.join(', ')}); ` +
        `ArrayBuffers median ${mb(r.arrayBuffers.median)} / max ${mb(r.arrayBuffers.max)} MiB; pipeline alone ${pct(r.base.gcShare)} / ${pct(r.base.gcProfileShare)}`,
    );
  }
  for (const r of results) {
    if (Object.keys(r.errors).length) {
      console.log(`  errors at ${treeOf(r)}${r.rooms} × ${r.rate}, ${r.payloads}: ${JSON.stringify(r.errors)}`);
    }
  }

  if (idleRooms > 0) {
    for (const project of PROJECTS) {
      process.stderr.write(`… ${idleRooms} quiet rooms, ${project}\n`);
      const q = await runTier(project, idleRooms, 0, PAYLOADS);
      console.log(
        `\nquiet rooms${several ? ` (${project})` : ''}: ${q.rooms} connected, silent rooms (joined in ${fixed(q.joinSeconds, 1)} s): ` +
          `RSS ${kb((q.rssIdle - q.rssBefore) / q.rooms)} KiB per room after gc (heap ${mb(q.heapIdle)} MiB in all), ` +
          `${fixed((q.timers - q.timersBefore) / q.rooms)} timers and ${fixed((q.sockets - q.socketsBefore) / q.rooms)} sockets per room, ` +
          `${fixed(q.idleCpuMsPerRoomMinute, 3)} ms CPU per room per minute (over ${q.idleSeconds} s)`,
      );
      if (Object.keys(q.errors).length) console.log(`  errors: ${JSON.stringify(q.errors)}`);
    }
  }
  const badBase = results.filter((r) => r.base.check.failures > 0 || r.base.check.commonIdMismatches > 0);
  for (const r of badBase) console.error(`pipeline alone (${r.base.kind}): ${JSON.stringify(r.base.check)}`);
  const bad = results.filter((r) => r.lost > 0 || r.duplicated > 0 || r.extra > 0);
  console.log(`\ntotal ${((Date.now() - totalStarted) / 1000).toFixed(0)} s`);
  if (badBase.length) process.exitCode = 1;
  if (bad.length) {
    console.error(`messages lost or duplicated at ${bad.map((r) => `${treeOf(r)}${r.rooms}`).join(', ')} rooms`);
    process.exit(1);
  }
}

if (flag('--simulator')) await simulatorMain();
else if (flag('--client')) await clientMain(Number(option('--client', '1')), RATE);
else if (flag('--baseline')) await baselineMain(option('--baseline', PAYLOADS));
else await main();
