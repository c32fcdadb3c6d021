#!/usr/bin/env node
// The relay under load: 1,000 WebSocket clients on one relay, one busy room. Three processes on 127.0.0.1:
// the simulator (a child), the relay (this process: one room pool + `startRelay`, what `douyin-live relay` runs)
// and the clients (a child holding every WebSocket), so the relay's CPU and memory are its own.
//
// Usage: node --expose-gc scripts/bench-relay.mjs [--quick] [--clients 1000] [--rate 100] [--seconds 10]
//          [--client-processes 2]
// (normally through `npm run bench -- relay`, which builds first). Imports the built packages (packages/*/dist).
//
// Latency is measured from frame arrival to client receipt: the relay process stamps each inbound frame when
// the session hands it over (`frames$`, emitted before the frame is decoded) and notes that stamp for every
// message decoded from it; each client stamps each message when its `message` event fires. Both stamps are
// `performance.timeOrigin + performance.now()` on the same machine clock. Every message must reach every client
// exactly once. The relay's CPU and memory are measured twice in one run, with the same room and rate: with no
// client (the session and the relay's own bookkeeping) and with all the clients; the difference, divided by
// the clients, is the cost per client.
import { fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = (path) => join(here, '..', 'packages', path);
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
function option(name, fallback) {
  const i = args.indexOf(name);
  return i === -1 ? fallback : args[i + 1];
}
const quick = flag('--quick');
const CLIENTS = Number(option('--clients', quick ? '200' : '1000'));
const RATE = Number(option('--rate', '100')); // messages per second in the room
const SECONDS = Number(option('--seconds', quick ? '5' : '10'));
// The clients are spread over this many processes, so one busy client process does not become the bottleneck.
const CLIENT_PROCESSES = Number(option('--client-processes', '2'));
const WARMUP_MS = 2_000;
const ROOM = '261378947940';
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const gc = () => globalThis.gc?.();

/** Scenario rates giving ~`rate` messages/s (gift streaks add ~2.4 messages per gift sent). */
function scenarioFor(rate) {
  const k = rate / 20;
  return {
    seed: 11,
    tickMs: 100,
    chatPerSecond: 8 * k,
    likePerSecond: 4 * k,
    memberPerSecond: 4 * k,
    giftPerSecond: 1 * k,
    followPerSecond: 0.5 * k,
    sharePerSecond: 0.2 * k,
    statsIntervalMs: 2_000,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Simulator child: one busy room until told to stop.
// ---------------------------------------------------------------------------------------------------------
async function simulatorChild() {
  const { startSimulator } = await import(dist('simulator/dist/index.js'));
  const sim = await startSimulator({ scenario: scenarioFor(RATE), pingIntervalMs: 0 });
  process.send({ url: sim.httpUrl });
  process.on('message', async () => {
    await sim.close();
    process.exit(0);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Clients child: N WebSockets; records the receipt time of every message, by msgId.
// ---------------------------------------------------------------------------------------------------------
async function clientsChild(url, n) {
  const { WebSocket } = await import('ws');
  const MSG_ID = Buffer.from('"msgId":"');
  /** msgId → receipt times, one per client. */
  const receipts = new Map();
  let recording = false;
  let open = 0;
  const sockets = [];
  const closed = {}; // close code → clients closed during the run
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('open', () => {
      open += 1;
      if (open === n) process.send({ open });
    });
    ws.on('message', (data) => {
      const at = now();
      if (!recording) return;
      // The msgId without parsing the whole object (the client's own cost stays out of the latency).
      const start = data.indexOf(MSG_ID);
      if (start < 0) return;
      const from = start + MSG_ID.length;
      const id = data.toString('latin1', from, data.indexOf(34, from));
      let times = receipts.get(id);
      if (times === undefined) receipts.set(id, (times = []));
      times.push(at);
    });
    ws.on('error', () => undefined); // counted by 'close'
    ws.on('close', (code) => {
      if (!recording && code === 1005) return;
      closed[code] = (closed[code] ?? 0) + 1;
    });
    sockets.push(ws);
    // Open in small bursts, as a crowd of bots would, not all in one tick.
    if (i % 50 === 49) await sleep(20);
  }
  process.on('message', (m) => {
    if (m === 'record') recording = true;
    if (m === 'stop') {
      recording = false;
      // Send back a compact form: msgId → [count, ...times].
      const report = { receipts: [...receipts], closed: { ...closed } };
      for (const ws of sockets) ws.terminate();
      // Exit only once the (large) message is handed over.
      process.send(report, () => process.exit(0));
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// Relay process
// ---------------------------------------------------------------------------------------------------------
function child(mode, extra = []) {
  const c = fork(fileURLToPath(import.meta.url), [mode, ...extra, ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const next = () => new Promise((resolve) => c.once('message', resolve));
  return { c, next };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function measure(withClients) {
  const { connectRooms } = await import(dist('core/dist/index.js'));
  const { startRelay } = await import(dist('relay/dist/index.js'));
  const sim = child('--simulator');
  const { url } = await sim.next();
  const pool = connectRooms([{ room: ROOM, endpoints: url, cookie: 'sessionid=bench' }], { requestIntervalMs: 0 });
  const relay = await startRelay(pool, { maxClients: CLIENTS + 10 });
  const frameAt = new Map(); // msgId → frame arrival
  let lastFrame = 0;
  let recording = false;
  pool.room(ROOM).frames$.subscribe((f) => {
    if (f.direction === 'in') lastFrame = now();
  });
  pool.messages$.subscribe(({ message }) => {
    if (recording) frameAt.set(message.msgId, lastFrame);
  });
  let clients = [];
  if (withClients) {
    const share = (i) => Math.floor(CLIENTS / CLIENT_PROCESSES) + (i < CLIENTS % CLIENT_PROCESSES ? 1 : 0);
    for (let i = 0; i < CLIENT_PROCESSES; i++) {
      const c = child('--clients', [`${relay.url.replace('http', 'ws')}/ws`, String(share(i))]);
      await c.next(); // all of its sockets open
      clients.push(c);
    }
  }
  await sleep(WARMUP_MS);
  gc();
  const rssBefore = process.memoryUsage().rss;
  const heapBefore = process.memoryUsage().heapUsed;
  for (const c of clients) c.c.send('record');
  recording = true;
  const cpu0 = process.cpuUsage();
  const t0 = now();
  await sleep(SECONDS * 1000);
  recording = false;
  const cpu = process.cpuUsage(cpu0);
  const seconds = (now() - t0) / 1000;
  const rss = process.memoryUsage().rss;
  const heap = process.memoryUsage().heapUsed;
  let latencies = [];
  let lost = 0;
  let extra = 0;
  const closed = {};
  if (clients.length > 0) {
    await sleep(500); // let the last messages arrive
    const received = new Map();
    for (const c of clients) {
      c.c.send('stop');
      const report = await c.next();
      for (const [msgId, times] of report.receipts) {
        const all = received.get(msgId);
        if (all) all.push(...times);
        else received.set(msgId, times);
      }
      for (const [code, n] of Object.entries(report.closed)) closed[code] = (closed[code] ?? 0) + n;
    }
    for (const [msgId, sent] of frameAt) {
      const times = received.get(msgId) ?? [];
      if (times.length < CLIENTS) lost += CLIENTS - times.length;
      if (times.length > CLIENTS) extra += times.length - CLIENTS;
      for (const t of times) latencies.push(t - sent);
    }
    latencies.sort((a, b) => a - b);
  }
  const stats = relay.stats;
  await relay.close();
  await pool.close();
  sim.c.send('stop');
  return {
    messages: frameAt.size,
    rate: frameAt.size / seconds,
    cpuMs: (cpu.user + cpu.system) / 1000,
    seconds,
    rss,
    rssDelta: rss - rssBefore,
    heap,
    heapBefore,
    latencies,
    lost,
    extra,
    closed,
    slow: stats.slowClientsClosed,
  };
}

async function main() {
  console.log(
    `relay bench: 1 room at ~${RATE} msg/s, ${CLIENTS} WebSocket clients, ${SECONDS} s window, node ${process.version}`,
  );
  const idle = await measure(false);
  gc();
  const busy = await measure(true);
  const mib = (b) => (b / 1048576).toFixed(1);
  const cpuShare = (r) => (r.cpuMs / (r.seconds * 1000)) * 100;
  const p = (q) => percentile(busy.latencies, q).toFixed(2);
  console.log('');
  console.log(`| run | messages | msg/s | relay CPU | relay RSS | relay heap |`);
  console.log(`|---|---|---|---|---|---|`);
  for (const [name, r] of [
    ['no clients', idle],
    [`${CLIENTS} clients`, busy],
  ]) {
    console.log(
      `| ${name} | ${r.messages} | ${r.rate.toFixed(0)} | ${cpuShare(r).toFixed(1)} % of a core | ${mib(r.rss)} MiB | ${mib(r.heap)} MiB |`,
    );
  }
  const deliveries = busy.messages * CLIENTS;
  const extraCpuMs = busy.cpuMs - (idle.cpuMs * busy.seconds) / idle.seconds;
  console.log('');
  console.log(
    `deliveries: ${deliveries} (${(deliveries / busy.seconds).toFixed(0)}/s); lost ${busy.lost}, repeated ${busy.extra}, slow clients closed ${busy.slow}, client closes ${JSON.stringify(busy.closed)}`,
  );
  console.log(
    `latency frame arrival → client receipt: p50 ${p(50)} ms, p90 ${p(90)} ms, p99 ${p(99)} ms, max ${busy.latencies.at(-1)?.toFixed(2)} ms`,
  );
  console.log(
    `CPU per client: ${((extraCpuMs / busy.seconds / CLIENTS) * 1000).toFixed(1)} µs/s (${((extraCpuMs * 1000) / deliveries).toFixed(2)} µs per delivered message)`,
  );
  console.log(
    `memory per client: ${((busy.rss - idle.rss) / CLIENTS / 1024).toFixed(1)} KiB RSS, ${((busy.heap - idle.heap) / CLIENTS / 1024).toFixed(1)} KiB heap (with ${CLIENTS} vs no clients)`,
  );
  // A client closed for being slow loses messages by design (the bench machine is shared); anything else may not.
  if (busy.extra > 0 || (busy.lost > 0 && busy.slow === 0)) {
    console.error('FAILED: messages lost or repeated');
    process.exit(1);
  }
}

if (args[0] === '--simulator') await simulatorChild();
else if (args[0] === '--clients') await clientsChild(args[1], Number(args[2]));
else await main();
