#!/usr/bin/env node
// The fleet on one machine: a real redis-server, the simulator (child process) hosting N rooms, and first
// `connectRooms` in one process (the baseline), then 3 fleet worker processes sharing the same rooms through
// Redis. Reports messages/s appended to Redis, worker CPU per 1,000 messages against the pool's, Redis memory
// per room (`INFO memory`, and `MEMORY USAGE` of one room's keys), and failover time after `kill -9` of a worker.
//
// Usage: node --expose-gc scripts/bench-fleet.mjs [--quick] [--rooms 1000] [--rate 2] [--seconds 15] [--lease 5000]
// (normally through `npm run bench -- fleet`, which builds first). Imports the built packages (packages/*/dist).
// Ratios are measured in one run on a noisy shared machine; the absolute numbers move between runs.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = (path) => join(here, '..', 'packages', path);
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
function option(name, fallback) {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
}
const quick = flag('--quick');
const ROOMS = Number(option('--rooms', quick ? '200' : '1000'));
const RATE = Number(option('--rate', '2')); // messages per second per room
const SECONDS = Number(option('--seconds', quick ? '6' : '15'));
const LEASE_MS = Number(option('--lease', '5000'));
const WORKERS = 3;
/** Longest wait for every room to be live; the figures then say how many were. */
const JOIN_TIMEOUT_MS = 120_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Scenario rates giving about `rate` messages/s per room. */
const scenarioFor = (rate) => ({
  tickMs: 500,
  chatPerSecond: rate * 0.5,
  likePerSecond: rate * 0.2,
  memberPerSecond: rate * 0.2,
  giftPerSecond: rate * 0.04,
  followPerSecond: 0,
  sharePerSecond: 0,
  statsIntervalMs: 0,
});

// ---- child roles ------------------------------------------------------------------------------------------

async function simulatorMain() {
  const { startSimulator, simulatedRooms } = await import(pkg('simulator/dist/index.js'));
  const sim = await startSimulator({
    rooms: simulatedRooms(ROOMS, { scenario: scenarioFor(RATE) }),
    retainMessages: 300,
    heartbeatTimeoutMs: 30_000,
  });
  process.send({ cmd: 'started', httpUrl: sim.httpUrl, webRids: sim.rooms.map((r) => r.webRid) });
  process.on('message', async (msg) => {
    if (msg.cmd === 'close') {
      await sim.close();
      process.exit(0);
    }
  });
}

/** Reports CPU and counters on request: `{cmd:'sample'}` → `{cpu, messages}`. */
function serveSamples(count) {
  process.on('message', (msg) => {
    if (msg.cmd === 'sample') process.send({ cmd: 'sample', cpu: process.cpuUsage(), messages: count() });
  });
}

async function poolMain(httpUrl, webRids) {
  const { connectRooms } = await import(pkg('core/dist/index.js'));
  // A loopback pace, as bench-rooms: the polite defaults would take minutes to join 1,000 rooms, on purpose.
  const pool = connectRooms(webRids, {
    requestIntervalMs: 0,
    requestJitterMs: 0,
    maxConcurrentJoins: 64,
    session: { endpoints: httpUrl },
  });
  let messages = 0;
  pool.messages$.subscribe(() => messages++);
  serveSamples(() => messages);
  process.send({ cmd: 'ready' });
  const live = () => [...pool.states.values()].filter((s) => s === 'live').length;
  const started = Date.now();
  while (live() < webRids.length && Date.now() - started < JOIN_TIMEOUT_MS) await sleep(200);
  process.send({ cmd: 'live', live: live(), seconds: (Date.now() - started) / 1000 });
}

async function workerMain(redisUrl, httpUrl, name) {
  const { startFleetWorker } = await import(pkg('fleet/dist/index.js'));
  const worker = startFleetWorker({
    redis: redisUrl,
    name,
    leaseMs: LEASE_MS,
    requestIntervalMs: 0,
    session: { endpoints: httpUrl },
  });
  serveSamples(() => worker.stats.appended);
  process.send({ cmd: 'ready' });
  process.on('message', async (msg) => {
    if (msg.cmd === 'stop') {
      await worker.stop();
      process.exit(0);
    }
  });
}

// ---- helpers ----------------------------------------------------------------------------------------------

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function child(role, extra) {
  const c = fork(fileURLToPath(import.meta.url), [...args, `--role`, role, ...extra], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  process.on('exit', () => c.kill('SIGKILL'));
  return c;
}

function next(c, cmd) {
  return new Promise((resolve) => {
    const on = (msg) => {
      if (msg.cmd !== cmd) return;
      c.off('message', on);
      resolve(msg);
    };
    c.on('message', on);
  });
}

async function sample(c) {
  const reply = next(c, 'sample');
  c.send({ cmd: 'sample' });
  return reply;
}

/** CPU ms and messages of several processes over the measurement window. */
async function measure(children) {
  const before = await Promise.all(children.map(sample));
  const t0 = Date.now();
  await sleep(SECONDS * 1000);
  const after = await Promise.all(children.map(sample));
  const seconds = (Date.now() - t0) / 1000;
  let cpuMs = 0;
  let messages = 0;
  children.forEach((_, i) => {
    cpuMs += (after[i].cpu.user + after[i].cpu.system - before[i].cpu.user - before[i].cpu.system) / 1000;
    messages += after[i].messages - before[i].messages;
  });
  return { seconds, cpuMs, messages, perThousand: (cpuMs / messages) * 1000, perSecond: messages / seconds };
}

async function redisMemory(redis) {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)[1]);
}

// ---- main -------------------------------------------------------------------------------------------------

async function main() {
  const { Redis } = await import('ioredis');
  const { openFleetControl, fleetKeys } = await import(pkg('fleet/dist/index.js'));
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bench-fleet-'));
  const server = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  process.on('exit', () => server.kill('SIGKILL'));
  const url = `redis://127.0.0.1:${port}`;
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on('error', () => undefined); // refused until the server listens
  while ((await redis.ping().catch(() => '')) !== 'PONG') await sleep(50);

  console.log(
    `${ROOMS} simulated rooms at ~${RATE} msg/s each; ${WORKERS} workers; ${SECONDS} s windows; lease ${LEASE_MS} ms`,
  );
  const sim = child('simulator', []);
  const { httpUrl, webRids } = await next(sim, 'started');

  // Baseline: the same rooms in one process with connectRooms.
  const pool = child('pool', [httpUrl, webRids.join(',')]);
  await next(pool, 'ready');
  const joined = await next(pool, 'live');
  console.log(`connectRooms joined ${joined.live} of ${ROOMS} rooms in ${joined.seconds.toFixed(1)} s`);
  await sleep(2000);
  const base = await measure([pool]);
  pool.kill('SIGKILL');
  console.log(
    `connectRooms, 1 process:   ${base.perSecond.toFixed(0)} msg/s, ${base.perThousand.toFixed(1)} ms CPU per 1,000 messages`,
  );

  // The fleet.
  const memoryEmpty = await redisMemory(redis);
  const control = openFleetControl({ redis: url });
  await control.add(webRids);
  const workers = Array.from({ length: WORKERS }, (_, i) => child('worker', [url, httpUrl, `w${i + 1}`]));
  await Promise.all(workers.map((w) => next(w, 'ready')));
  const joinStart = Date.now();
  let live = 0;
  while (live < ROOMS && Date.now() - joinStart < JOIN_TIMEOUT_MS) {
    live = (await control.status()).totals.live;
    await sleep(500);
  }
  console.log(`fleet joined ${live} of ${ROOMS} rooms in ${((Date.now() - joinStart) / 1000).toFixed(1)} s`);
  await sleep(2000);
  const lenBefore = await redis.xlen(fleetKeys('douyin-live:').messages);
  const fleet = await measure(workers);
  const lenAfter = await redis.xlen(fleetKeys('douyin-live:').messages);
  console.log(
    `fleet, ${WORKERS} worker processes: ${fleet.perSecond.toFixed(0)} msg/s appended to Redis ` +
      `(stream grew ${lenAfter - lenBefore}), ${fleet.perThousand.toFixed(1)} ms worker CPU per 1,000 messages ` +
      `= ${(fleet.perThousand / base.perThousand).toFixed(2)}× connectRooms`,
  );
  const memory = await redisMemory(redis);
  const keys = fleetKeys('douyin-live:').room(webRids[0]);
  const usage = async (key) => Number((await redis.call('MEMORY', 'USAGE', key)) ?? 0);
  const roomKeys = {
    seen: await usage(keys.seen),
    state: await usage(keys.state),
    resume: await usage(keys.resume),
    owner: await usage(keys.owner),
    stream: await usage(keys.messages),
  };
  const globalStream = await usage(fleetKeys('douyin-live:').messages);
  const roomLen = await redis.xlen(keys.messages);
  console.log(
    `Redis used_memory: ${((memory - memoryEmpty) / ROOMS / 1024).toFixed(1)} KiB per room after ` +
      `${(lenAfter / ROOMS).toFixed(0)} messages per room (both streams included)`,
  );
  console.log(
    `one room's keys: recent ids ${(roomKeys.seen / 1024).toFixed(1)} KiB, state ${roomKeys.state} B, resume ` +
      `${roomKeys.resume} B, lease ${roomKeys.owner} B, room stream ${(roomKeys.stream / 1024).toFixed(1)} KiB ` +
      `for ${roomLen} entries (${(roomKeys.stream / Math.max(1, roomLen)).toFixed(0)} B/entry); ` +
      `fleet stream ${(globalStream / Math.max(1, lenAfter)).toFixed(0)} B/entry`,
  );

  // Failover: kill -9 one worker, time until its rooms are owned again and live again.
  const before = await control.status();
  const orphans = before.rooms.filter((r) => r.owner === 'w3').map((r) => r.room);
  workers[2].kill('SIGKILL');
  const killedAt = Date.now();
  let ownedAt;
  for (;;) {
    const s = await control.status();
    const byRoom = new Map(s.rooms.map((r) => [r.room, r]));
    const rooms = orphans.map((r) => byRoom.get(r));
    if (ownedAt === undefined && rooms.every((r) => r.owner && r.owner !== 'w3')) ownedAt = Date.now();
    if (ownedAt !== undefined && rooms.every((r) => r.state === 'live')) break;
    if (Date.now() - killedAt > JOIN_TIMEOUT_MS) break;
    await sleep(100);
  }
  const liveAt = Date.now();
  console.log(
    `failover of ${orphans.length} rooms after kill -9: owned again in ${((ownedAt - killedAt) / 1000).toFixed(1)} s ` +
      `(lease ${LEASE_MS / 1000} s), live again in ${((liveAt - killedAt) / 1000).toFixed(1)} s`,
  );
  const gaps = (await control.status()).rooms.reduce((n, r) => n + r.gaps, 0);
  console.log(`gaps reported after failover: ${gaps}`);

  for (const w of workers.slice(0, 2)) w.send({ cmd: 'stop' });
  await Promise.all(workers.slice(0, 2).map((w) => new Promise((resolve) => w.once('exit', resolve))));
  sim.send({ cmd: 'close' });
  await new Promise((resolve) => sim.once('exit', resolve));
  await control.close();
  redis.disconnect();
  server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

const role = option('--role', undefined);
// A child leaves with its parent, however the parent went.
if (role !== undefined) process.on('disconnect', () => process.exit(0));
const rest = args.slice(args.indexOf('--role') + 2);
if (role === 'simulator') await simulatorMain();
else if (role === 'pool') await poolMain(rest[0], rest[1].split(','));
else if (role === 'worker') await workerMain(rest[0], rest[1], rest[2]);
else await main();
