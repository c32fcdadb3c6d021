/**
 * Debian's real `redis-server` for tests: started on a free loopback port with persistence off, ready once it
 * answers PING, stopped by PID. `restart()` saves, stops and starts it again on the same port and directory, as
 * an operator restarting a server with persistence would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';

/** How long a starting server may take to answer PING, ms. */
const START_TIMEOUT_MS = 10_000;

/** A running test Redis. */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** A client for assertions (closed by `stop`). */
  readonly client: Redis;
  /** Pauses writes, saves to disk, kills the server, starts it again on the same port with that data. */
  restart(): Promise<void>;
  /** Stops the server by PID and removes its directory. */
  stop(): Promise<void>;
}

/** A free loopback TCP port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `redis-server` and waits for PONG. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'douyin-live-redis-'));
  let child = await launch(port, dir);
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  client.on('error', () => undefined);
  return {
    port,
    url,
    client,
    async restart() {
      const admin = new Redis(url, { maxRetriesPerRequest: 1 });
      // Writes wait while the data is saved, so nothing acknowledged is lost with the old process.
      await admin.call('CLIENT', 'PAUSE', '20000', 'WRITE');
      await admin.call('SAVE');
      admin.disconnect();
      await kill(child);
      child = await launch(port, dir);
    },
    async stop() {
      client.disconnect();
      await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const probe = new Redis(port, '127.0.0.1', {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    probe.on('error', () => undefined);
    const pong = await probe
      .connect()
      .then(() => probe.ping())
      .catch(() => undefined);
    probe.disconnect();
    if (pong === 'PONG') return child;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new DouyinLiveError(ErrorCodes.TIMEOUT, `redis-server on port ${port} did not answer PING`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
