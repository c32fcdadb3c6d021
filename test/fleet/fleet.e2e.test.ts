/**
 * The fleet end to end: a real redis-server, the simulator hosting 300 rooms and worker *processes* of the CLI
 * (`douyin-live fleet worker`), through failover (`kill -9`), graceful handover, a Redis restart, a consumer
 * killed mid-batch, and the end of every live — checking ownership, `fleet status --json` and that every msgId
 * the simulator delivered is in `<prefix>messages` exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { simulatedRooms, startSimulator, type Simulator } from '@douyin-live/simulator';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import {
  connectFleet,
  openFleetControl,
  type FleetConnection,
  type FleetControl,
  type FleetStatus,
} from '@douyin-live/fleet';
import { runCli } from '../../packages/replay-cli/src/cli.js';
import { testContext } from '../helpers/cliContext.js';
import { startRedis, type TestRedis } from './redisServer.js';

const ROOT = join(__dirname, '..', '..');
/** `node --import tsx`: one process per worker, so a signal reaches the worker itself (the tsx CLI forks). */
const NODE_TS = [process.execPath, '--import', 'tsx'] as const;
const BIN = join(ROOT, 'packages', 'replay-cli', 'src', 'bin.ts');
const ROOMS = 300;
/** A short lease so failover is quick (rebalance round 1 s), long enough for a worker on a loaded machine. */
const LEASE_MS = 5_000;
/** Longest wait for the fleet to settle after a step (joins of up to 300 rooms on a busy 2-core machine). */
const SETTLE_TIMEOUT_MS = 120_000;
const PREFIX = 'douyin-live:';
/** Per step: the settle timeout plus room for the checks. */
const STEP_TIMEOUT_MS = SETTLE_TIMEOUT_MS + 30_000;

interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly log: string[];
}

let redis: TestRedis;
let sim: Simulator;
let control: FleetControl;
let consumer: FleetConnection | undefined;
const workers = new Map<string, WorkerProcess>();

function spawnWorker(name: string): WorkerProcess {
  const child = spawn(
    NODE_TS[0],
    [
      ...NODE_TS.slice(1),
      BIN,
      'fleet',
      'worker',
      '--redis',
      redis.url,
      '--endpoint',
      sim.httpUrl,
      '--name',
      name,
      '--lease-ms',
      String(LEASE_MS),
      '--request-interval',
      '0',
      '--json',
    ],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const log: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => log.push(...chunk.split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const worker = { name, child, exited, log };
  workers.set(name, worker);
  return worker;
}

/** Polls the status until `ready` holds; fails with TIMEOUT (and the last status) after `timeoutMs`. */
async function settle(what: string, ready: (s: FleetStatus) => boolean, timeoutMs = SETTLE_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last: FleetStatus | undefined;
  for (;;) {
    last = await control.status();
    if (ready(last)) return last;
    if (Date.now() > deadline) {
      const states: Record<string, number> = {};
      for (const r of last.rooms)
        states[`${r.state}@${r.owner ?? '-'}`] = (states[`${r.state}@${r.owner ?? '-'}`] ?? 0) + 1;
      throw new DouyinLiveError(
        ErrorCodes.TIMEOUT,
        `fleet did not settle: ${what}: ${JSON.stringify(last.totals)} ${JSON.stringify(states)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

const ownersOf = (s: FleetStatus) => new Map(s.rooms.map((r) => [r.room, r.owner]));
const allLiveWith = (names: readonly string[]) => (s: FleetStatus) =>
  s.rooms.length === ROOMS && s.rooms.every((r) => r.state === 'live' && names.includes(r.owner ?? ''));

/** `douyin-live fleet status --json`, parsed. */
async function cliStatus(): Promise<FleetStatus> {
  const ctx = testContext();
  expect(await runCli(['fleet', 'status', '--json', '--redis', redis.url], ctx)).toBe(0);
  return JSON.parse(ctx.lines[0]!) as FleetStatus;
}

beforeAll(async () => {
  redis = await startRedis();
  // Quiet rooms (about 0.4 messages a second each) keep 300 rooms and 3 workers light on a shared machine.
  sim = await startSimulator({
    rooms: simulatedRooms(ROOMS, {
      scenario: {
        tickMs: 1_000,
        chatPerSecond: 0.2,
        giftPerSecond: 0,
        likePerSecond: 0.1,
        memberPerSecond: 0.1,
        followPerSecond: 0,
        sharePerSecond: 0,
        statsIntervalMs: 0,
      },
    }),
  });
  control = openFleetControl({ redis: redis.url, prefix: PREFIX });
});

afterAll(async () => {
  for (const w of workers.values()) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await Promise.all([...workers.values()].map((w) => w.exited));
  // Closed here too, so a failed step does not leave a blocked read keeping jest alive.
  await consumer?.close();
  await control?.close();
  await sim?.close();
  await redis?.stop();
});

describe('a fleet of 3 worker processes over 300 simulated rooms', () => {
  const received = new Set<string>();

  test(
    'rooms added with the CLI are each owned by exactly one worker, a fair third each',
    async () => {
      const ctx = testContext();
      const code = await runCli(['fleet', 'add', ...sim.rooms.map((r) => r.webRid), '--redis', redis.url], ctx);
      expect(code).toBe(0);
      expect(ctx.lines).toEqual([`added ${ROOMS} rooms`]);
      const waiting = await cliStatus();
      expect(waiting.totals).toMatchObject({ rooms: ROOMS, owned: 0 });

      consumer = connectFleet({ redis: redis.url, group: 'archive', consumer: 'main', from: 'beginning' });
      consumer.messages$.subscribe(({ message }) => received.add(message.msgId));

      for (const name of ['w1', 'w2', 'w3']) spawnWorker(name);
      const status = await settle('300 rooms live on w1..w3', (s) => {
        const held = s.workers.map((w) => w.rooms).sort();
        return allLiveWith(['w1', 'w2', 'w3'])(s) && held.join() === '100,100,100';
      });
      // Each lease names one worker; the workers' own lists of held rooms (published every round) agree with
      // the leases and do not overlap.
      const listsOf = () =>
        Promise.all(
          ['w1', 'w2', 'w3'].map(
            async (name) =>
              JSON.parse((await redis.client.hget(`${PREFIX}worker:${name}`, 'rooms')) ?? '[]') as string[],
          ),
        );
      const agree = (lists: string[][], owners: Map<string, string | undefined>) =>
        lists.every((list, i) => list.length === 100 && list.every((room) => owners.get(room) === `w${i + 1}`));
      let lists = await listsOf();
      let owners = ownersOf(status);
      for (let round = 0; !agree(lists, owners) && round < 20; round++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        [lists, owners] = [await listsOf(), ownersOf(await control.status())];
      }
      const listed = lists.flat();
      expect(new Set(listed).size).toBe(ROOMS);
      for (const [i, name] of ['w1', 'w2', 'w3'].entries()) {
        for (const room of lists[i]!) expect(owners.get(room)).toBe(name);
      }
      const cli = await cliStatus();
      expect(cli.totals).toMatchObject({ rooms: ROOMS, owned: ROOMS, live: ROOMS, ended: 0 });
      expect(cli.workers.map((w) => [w.name, w.rooms]).sort()).toEqual([
        ['w1', 100],
        ['w2', 100],
        ['w3', 100],
      ]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'kill -9 of a worker: its rooms are owned again within the lease time + 5 s',
    async () => {
      const before = ownersOf(await control.status());
      const orphans = [...before].filter(([, owner]) => owner === 'w3').map(([room]) => room);
      expect(orphans).toHaveLength(100);
      workers.get('w3')!.child.kill('SIGKILL');
      await workers.get('w3')!.exited;
      // The deadline is the promise under test: the lease time plus 5 s.
      const taken = await settle(
        'the dead worker’s rooms owned again',
        (s) => {
          const owners = ownersOf(s);
          return orphans.every((room) => ['w1', 'w2'].includes(owners.get(room) ?? ''));
        },
        LEASE_MS + 5_000,
      );
      // Rooms nobody lost kept their owner.
      for (const [room, owner] of before) if (owner !== 'w3') expect(ownersOf(taken).get(room)).toBe(owner);
      const settled = await settle('300 rooms live on w1, w2', allLiveWith(['w1', 'w2']));
      expect(settled.workers.find((w) => w.name === 'w3')).toMatchObject({ rooms: 0 });
      const cli = await cliStatus();
      expect(cli.totals).toMatchObject({ owned: ROOMS, live: ROOMS });
      expect(cli.workers.find((w) => w.name === 'w3')!.heartbeatAgeMs).toBeGreaterThan(LEASE_MS);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'a new worker gets its share, and a graceful stop hands rooms over with their cursor (no gap)',
    async () => {
      spawnWorker('w4');
      await settle('w4 holds a third', (s) => {
        const held = Object.fromEntries(s.workers.map((w) => [w.name, w.rooms]));
        return allLiveWith(['w1', 'w2', 'w4'])(s) && held['w4'] === 100 && held['w1'] === 100;
      });
      const before = await control.status();
      const handed = new Map(before.rooms.filter((r) => r.owner === 'w2').map((r) => [r.room, r.gaps]));
      const connectionsBefore = sim.stats.connections.length;
      const w2 = workers.get('w2')!;
      w2.child.kill('SIGTERM');
      expect(await w2.exited).toBe(0);
      const status = await settle('300 rooms live on w1, w4', allLiveWith(['w1', 'w4']));
      expect(status.rooms.filter((r) => r.owner === 'w1')).toHaveLength(150);
      // Every room w2 handed over resumed where w2 stopped: no new gap, and every connection opened for it
      // since carried a cursor the simulator resumed from.
      expect(handed.size).toBe(100);
      expect(status.rooms.filter((r) => handed.has(r.room) && r.gaps !== handed.get(r.room))).toEqual([]);
      const since = sim.stats.connections.slice(connectionsBefore).filter((c) => handed.has(c.webRid));
      expect(new Set(since.map((c) => c.webRid)).size).toBe(100);
      expect(since.filter((c) => c.resumedAfter === undefined)).toEqual([]);
      expect(sim.stats.connections.length).toBeGreaterThanOrEqual(connectionsBefore + 100);
      expect(w2.log.some((line) => line.includes('"event":"handed-over"'))).toBe(true);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'restarting redis-server: workers and the consumer recover by themselves',
    async () => {
      const before = await control.status();
      const messagesBefore = new Map(before.rooms.map((r) => [r.room, r.messages]));
      const receivedBefore = received.size;
      await redis.restart();
      const after = await settle(
        'every room appends again after the restart',
        (s) => allLiveWith(['w1', 'w4'])(s) && s.rooms.every((r) => r.messages > messagesBefore.get(r.room)!),
      );
      expect(
        after.workers
          .filter((w) => w.heartbeatAgeMs < LEASE_MS)
          .map((w) => w.name)
          .sort(),
      ).toEqual(['w1', 'w4']);
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      while (received.size < receivedBefore + 100 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(received.size).toBeGreaterThanOrEqual(receivedBefore + 100);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'a consumer killed mid-batch: its pending messages go to another consumer of the group',
    async () => {
      const crashed = spawn(
        NODE_TS[0],
        [...NODE_TS.slice(1), join(__dirname, 'crashingConsumer.ts'), redis.url, 'audit', 'crashy', '5'],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'ignore'],
        },
      );
      let out = '';
      crashed.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
      const signal = await new Promise((resolve) => crashed.once('exit', (_code, sig) => resolve(sig)));
      expect(signal).toBe('SIGKILL');
      expect(out.trim().split('\n')).toHaveLength(5);
      const pending = (await redis.client.xpending(`${PREFIX}messages`, 'audit', '-', '+', 1000, 'crashy')) as [
        string,
        string,
        number,
        number,
      ][];
      // The whole batch was read and none of it acknowledged.
      expect(pending.length).toBe(50);
      const rescuer = connectFleet({ redis: redis.url, group: 'audit', consumer: 'rescuer', claimIdleMs: 500 });
      const got = new Set<string>();
      rescuer.messages$.subscribe(({ id }) => got.add(id));
      const deadline = Date.now() + SETTLE_TIMEOUT_MS;
      while (!pending.every(([id]) => got.has(id)) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      await rescuer.close();
      expect(pending.filter(([id]) => !got.has(id))).toEqual([]);
      expect(rescuer.stats.claimed).toBeGreaterThanOrEqual(50);
      expect(await redis.client.xpending(`${PREFIX}messages`, 'audit', '-', '+', 1000, 'crashy')).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  test(
    'when every live ends: rooms marked ended, and every delivered msgId is in the stream exactly once',
    async () => {
      for (const room of sim.rooms) sim.endLive(room.webRid);
      const ended = await settle('every room ended', (s) => s.totals.ended === ROOMS);
      expect(ended.totals).toMatchObject({ owned: 0, live: 0 });
      for (const name of ['w1', 'w4']) workers.get(name)!.child.kill('SIGTERM');
      expect(await Promise.all(['w1', 'w4'].map((n) => workers.get(n)!.exited))).toEqual([0, 0]);

      const delivered = new Set(
        Object.values(sim.stats.messagesSent)
          .flat()
          .map((m) => m.msgId),
      );
      const appended: string[] = [];
      let cursor = '-';
      for (;;) {
        const batch = await redis.client.xrange(`${PREFIX}messages`, cursor, '+', 'COUNT', 5_000);
        for (const [, fields] of batch) appended.push(fields[fields.indexOf('msgId') + 1]!);
        if (batch.length < 5_000) break;
        cursor = `(${batch[batch.length - 1]![0]}`;
      }
      expect(appended.length).toBeGreaterThan(ROOMS * 10);
      expect(appended.length - new Set(appended).size).toBe(0);
      expect([...delivered].filter((id) => !appended.includes(id))).toEqual([]);
      expect(new Set(appended)).toEqual(delivered);

      const cli = await cliStatus();
      expect(cli.totals).toMatchObject({ rooms: ROOMS, ended: ROOMS, owned: 0, streamLength: appended.length });
      expect(cli.workers.filter((w) => ['w1', 'w4'].includes(w.name))).toEqual([]);
      await consumer!.close();
    },
    STEP_TIMEOUT_MS,
  );
});
