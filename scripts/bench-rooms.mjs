#!/usr/bin/env node
// Many rooms in one process: `connectRooms` against 1, 10, 100 and 1,000 simulated rooms, each at a realistic
// message rate, plus 1,000 quiet rooms. The simulator runs in a CHILD process (so server and client CPU are
// separable), all on 127.0.0.1, heartbeats every 10 s as in production.
//
// Usage: node --expose-gc scripts/bench-rooms.mjs [--quick] [--tiers 1,10,100,1000,1000@8] [--rate 20]
//          [--seconds 15] [--idle 1000] [--no-idle] [--gc-profile-seconds 5] [--client-node-flags "--flag ..."]
// A tier is `rooms` (at --rate msg/s per room) or `rooms@rate`. On the 2-vCPU reference machine the simulator
// saturates at 1,000 rooms (~4,000 frames/s, ~1.1 cores whatever the message rate): it sustains ~10,000 msg/s
// at 20 msg/s per room and ~7,000 at 8, so the 1,000-room rows run at what the server sustains (printed).
// (normally through `npm run bench -- rooms`, which builds first). Imports the built packages (packages/*/dist).
// Profiling one tier's client, measurement window only:
//   BENCH_CPU_PROFILE=/tmp/rooms.cpuprofile node scripts/bench-rooms.mjs --client 1000 --rate 8 --seconds 10
// (open the file in Chrome DevTools → Performance; `node --cpu-prof` works too but includes the joins).
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
// them with what the pool emitted: nothing may be lost or emitted twice.
import { fork, spawn } from 'node:child_process';
import os from 'node:os';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (path) => join(here, '..', 'packages', path);
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
function option(name, fallback) {
  const i = args.indexOf(name);
  if (i === -1) return fallback;
  const value = args[i + 1];
  if (value === undefined) throw new Error(`${name} needs a value`);
  return value;
}
const quick = flag('--quick');
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
  const { startSimulator, scenarioSource } = await import(dist('simulator/dist/index.js'));
  const { simulatedRooms } = await import(dist('simulator/dist/index.js'));
  // Quiet until every room has joined, so the joins are not measured against a server busy generating.
  const state = { quiet: true };
  let sim;
  let mark;
  const pushedSince = () =>
    Object.values(sim.stats.messagesSent).reduce((n, list) => n + list.length, 0) - (mark?.messages ?? 0);

  /**
   * A source that decides its batch times up front but builds each batch's messages only when the timeline's
   * timer fires and reads `messages` (right before the push), so create_time is the send time. Rooms are
   * spread over the tick so 1,000 rooms do not all push in the same millisecond.
   */
  const lazySource = (context, index, rooms, rate) => {
    const inner = scenarioSource(scenarioFor(rate, index + 1), context);
    const phase = Math.floor((index * TICK_MS) / rooms);
    let tick = 0;
    return {
      history: () => (rate > 0 ? (inner.history?.() ?? []) : []),
      next: () => {
        tick += 1;
        let built;
        return {
          atMs: phase + tick * TICK_MS,
          get messages() {
            return (built ??= state.quiet || rate === 0 ? [] : (inner.next()?.messages ?? []));
          },
        };
      },
    };
  };

  process.on('message', async (msg) => {
    if (msg.cmd === 'start') {
      sim = await startSimulator({
        rooms: simulatedRooms(msg.rooms, {
          room: (i) => ({ source: (context) => lazySource(context, i, msg.rooms, msg.rate) }),
        }),
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

const countTimers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const countSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;

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
    await session.post('Profiler.start');
  } else {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
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
  const child = fork(fileURLToPath(import.meta.url), ['--simulator'], {
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
  const { httpUrl, webRids } = await request(child, 'start', { rooms, rate });

  // Bookkeeping per room: how often each msgId (its last 9 digits, dense per room) was emitted.
  const index = new Map(webRids.map((w, i) => [w, i]));
  const counts = webRids.map(() => new Uint8Array(4096));
  const received = new Float64Array(rooms);
  let latencies = [];
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
      if (message.createTime >= windowStart) latencies.push(now - message.createTime);
    }
  });

  await until(() => pool.stats.live === rooms, 180_000, `joining ${rooms} rooms`);
  const joinSeconds = (Date.now() - started) / 1000;
  const result = { rooms, rate, joinSeconds, timersBefore: timers0, socketsBefore: sockets0, rssBefore: rss0 };

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
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    gcWindow.start();
    windowStart = Date.now();
    measuring = true;
    await sleep(SECONDS * 1000);
    measuring = false;
    const cpu = process.cpuUsage(cpu0);
    const elapsed = (performance.now() - t0) / 1000;
    const gcTotals = await gcWindow.stop();
    result.gc = gcTotals;
    result.gcShare = gcTotals.ms / 1000 / elapsed; // of wall time
    await cpuProfiler?.(process.env.BENCH_CPU_PROFILE);
    await heapProfiler?.(process.env.BENCH_HEAP_PROFILE);
    const server = await request(child, 'measure');
    if (GC_PROFILE_SECONDS > 0 && !cpuProfiler) {
      result.gcProfile = await gcShareByProfiler(() => sleep(GC_PROFILE_SECONDS * 1000));
    }
    result.window = elapsed;
    result.framesPerSecond = (framesIn() - frames0) / elapsed;
    result.messagesPerSecond = windowMessages / elapsed;
    result.serverMessagesPerSecond = server.messages / elapsed;
    result.clientCpuMsPer1k = (cpu.user + cpu.system) / 1000 / (windowMessages / 1000);
    result.clientSysMsPer1k = cpu.system / 1000 / (windowMessages / 1000); // the kernel's part: socket reads, writes
    result.clientCpuShare = (cpu.user + cpu.system) / 1e6 / elapsed; // of one core
    result.serverCpuShare = (server.cpu.user + server.cpu.system) / 1e6 / elapsed;
    latencies.sort((a, b) => a - b);
    result.latency = { samples: latencies.length, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
    result.latency.max = latencies.at(-1);
    latencies = [];

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
// Baseline: the same messages through the pipeline alone (no sockets, no session), in this process
// -------------------------------------------------------------------------------------------------------

async function decodeBaseline() {
  const { scenarioSource } = await import(dist('simulator/dist/index.js'));
  const { encodeFrame, encodeResponse, messageFactory } = await import(dist('testing/dist/index.js'));
  const { livePipeline } = await import(dist('core/dist/index.js'));
  const { from } = await import('rxjs');
  const factory = messageFactory({ roomId: '7400000000000100000', firstMsgId: 7_400_100_000_000_000_000n });
  const source = scenarioSource(scenarioFor(20, 1), { webRid: '200000001', roomId: '7400000000000100000', factory });
  const frames = [];
  let messages = 0;
  while (messages < 20_000) {
    const batch = source.next();
    if (!batch.messages.length) continue;
    messages += batch.messages.length;
    const response = encodeResponse({ messages: batch.messages, cursor: 'c', internalExt: 'x', needAck: true });
    frames.push(encodeFrame({ response, logId: String(frames.length + 1), seqId: String(frames.length + 1) }));
  }
  // Steady state, like the tiers: one warm-up pass, then CPU over five passes (GC included, no forced gc()).
  const pass = () => {
    let n = 0;
    from(frames)
      .pipe(livePipeline({ send: () => undefined }))
      .subscribe((m) => m.kind === 'message' && n++);
    return n;
  };
  pass();
  /** CPU per 1,000 messages over five passes, and the GC's share of their wall time (pauses; profiler). */
  const measure = async () => {
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
    return {
      cpuMsPer1k: (cpu.user + cpu.system) / 1000 / (decoded / 1000),
      gcShare: gcTotals.ms / elapsed,
      gcProfileShare: profiled.gcShare,
    };
  };
  return { messages, frames: frames.length, measure };
}

// -------------------------------------------------------------------------------------------------------
// Orchestration
// -------------------------------------------------------------------------------------------------------

function runTier(rooms, rate) {
  return new Promise((resolve, reject) => {
    const cp = spawn(
      process.execPath,
      [
        '--expose-gc',
        ...CLIENT_NODE_FLAGS,
        fileURLToPath(import.meta.url),
        '--client',
        String(rooms),
        '--rate',
        String(rate),
        '--seconds',
        String(SECONDS),
        ...(quick ? ['--quick'] : []),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    cp.stdout.on('data', (d) => (out += d));
    cp.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1);
      if (code !== 0 || !line) reject(new Error(`tier ${rooms} rooms exited ${code}`));
      else resolve(JSON.parse(line));
    });
  });
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1);
const kb = (bytes) => (bytes / 1024).toFixed(0);
const pct = (share) => (Number.isFinite(share) ? `${(share * 100).toFixed(1)} %` : '–');
const fixed = (n, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–');

async function main() {
  const tiers = option('--tiers', quick ? '1,10,100' : '1,10,100,1000,1000@8')
    .split(',')
    .map((t) => t.split('@').map(Number))
    .map(([rooms, rate]) => ({ rooms, rate: rate ?? RATE }));
  const idleRooms = flag('--no-idle') ? 0 : Number(option('--idle', quick ? '200' : '1000'));
  const totalStarted = Date.now();
  console.log(
    `Machine: ${os.cpus().length} vCPUs (${os.cpus()[0]?.model.trim()}), ${os.platform()} ${os.arch()}, Node ${process.version}`,
  );
  console.log(
    `Rate ${RATE} msg/s per room, ${TICK_MS} ms ticks, ${SECONDS} s window after ${WARMUP_MS / 1000} s warm-up, heartbeat ${HEARTBEAT_MS / 1000} s${CLIENT_NODE_FLAGS.length ? `, client flags ${CLIENT_NODE_FLAGS.join(' ')}` : ''}\n`,
  );

  // The baseline is measured again right before each tier (the machine is shared and noisy: a tier's ratio is
  // against the pipeline measured next to it, not minutes earlier).
  const baseline = await decodeBaseline();
  const base = await baseline.measure();
  console.log(
    `baseline: livePipeline alone on ${baseline.messages} of the same messages (${baseline.frames} frames): ` +
      `${fixed(base.cpuMsPer1k)} ms CPU per 1,000 messages (${fixed(baseline.messages / baseline.frames, 1)} per frame), GC ${pct(base.gcShare)} of its wall time in pauses, ${pct(base.gcProfileShare)} by the profiler\n`,
  );

  const results = [];
  for (const { rooms, rate } of tiers) {
    process.stderr.write(`… ${rooms} room(s) at ${rate} msg/s\n`);
    const tierBase = await baseline.measure();
    results.push({ ...(await runTier(rooms, rate)), base: tierBase });
  }
  const one = results.find((r) => r.rooms === 1 && r.rate === RATE);
  console.log(
    '| rooms × msg/s | msg/s in (server sent) | msgs / frame | client CPU ms / 1k msgs (kernel) | vs 1 room | pipeline alone ms / 1k | vs pipeline alone | GC of wall time: pauses / profiler | client CPU (of 1 core) | server CPU | latency p50 / p99 / max ms | peak RSS / room | lost / dup | join s |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of results) {
    console.log(
      `| ${r.rooms} × ${r.rate} | ${r.messagesPerSecond.toFixed(0)} (${r.serverMessagesPerSecond.toFixed(0)}) | ` +
        `${fixed(r.messagesPerSecond / r.framesPerSecond, 1)} | ${fixed(r.clientCpuMsPer1k)} (${fixed(r.clientSysMsPer1k)}) | ` +
        `${one ? fixed(r.clientCpuMsPer1k / one.clientCpuMsPer1k) + '×' : '–'} | ${fixed(r.base.cpuMsPer1k)} | ${fixed(r.clientCpuMsPer1k / r.base.cpuMsPer1k)}× | ` +
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
      `  GC at ${r.rooms} × ${r.rate}: ${fixed(r.gc.ms, 0)} ms of pauses in ${fixed(r.window, 1)} s (${kinds.join(', ')})`,
    );
  }
  for (const r of results) {
    if (Object.keys(r.errors).length) console.log(`  errors at ${r.rooms} × ${r.rate}: ${JSON.stringify(r.errors)}`);
  }

  if (idleRooms > 0) {
    process.stderr.write(`… ${idleRooms} quiet rooms\n`);
    const q = await runTier(idleRooms, 0);
    console.log(
      `\nquiet rooms: ${q.rooms} connected, silent rooms (joined in ${fixed(q.joinSeconds, 1)} s): ` +
        `RSS ${kb((q.rssIdle - q.rssBefore) / q.rooms)} KiB per room after gc (heap ${mb(q.heapIdle)} MiB in all), ` +
        `${fixed((q.timers - q.timersBefore) / q.rooms)} timers and ${fixed((q.sockets - q.socketsBefore) / q.rooms)} sockets per room, ` +
        `${fixed(q.idleCpuMsPerRoomMinute, 3)} ms CPU per room per minute (over ${q.idleSeconds} s)`,
    );
    if (Object.keys(q.errors).length) console.log(`  errors: ${JSON.stringify(q.errors)}`);
  }
  const bad = results.filter((r) => r.lost > 0 || r.duplicated > 0 || r.extra > 0);
  console.log(`\ntotal ${((Date.now() - totalStarted) / 1000).toFixed(0)} s`);
  if (bad.length) {
    console.error(`messages lost or duplicated at ${bad.map((r) => r.rooms).join(', ')} rooms`);
    process.exit(1);
  }
}

if (flag('--simulator')) await simulatorMain();
else if (flag('--client')) await clientMain(Number(option('--client', '1')), RATE);
else await main();
