// Shared pieces of the relay tests: a relay fed by the simulator through a room pool, and small SSE / WebSocket /
// HTTP clients that keep everything they receive.
import { request, type IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import { connectRooms, type RoomPool } from '@douyin-live/core';
import { batchSource, startSimulator, type Simulator } from '@douyin-live/simulator';
import type { Scenario } from '@douyin-live/testing';
import { startRelay, type Relay, type RelayOptions } from '@douyin-live/relay';

/** The simulator's default web_rid: the room key the pool uses. */
export const ROOM = '261378947940';

/** A logged-in cookie, so the simulator sends real nicknames (guests are masked). */
export const COOKIE = 'sessionid=relay-test';

/** Waits until `predicate` holds, checking on every macrotask; fails after `timeoutMs` (a deadlock guard only). */
export async function until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A relay over a room pool, and the simulator whose room `join()` adds to the pool. */
export interface SimRelay {
  readonly pool: RoomPool;
  readonly relay: Relay;
  /** The simulator (once `join()` started it). */
  readonly sim: Simulator;
  /**
   * Starts the simulator and adds its room to the pool. The simulator's live starts with it, so clients opened
   * before `join()` see it from its first message however long they took to connect.
   */
  join(): Promise<Simulator>;
  close(): Promise<void>;
}

/** A relay over an empty pool; `join()` starts the simulator (a scripted scenario, or its seeded one). */
export async function simRelay(
  content: { scenario?: Scenario; seeded?: Record<string, unknown> },
  relayOptions: RelayOptions = {},
): Promise<SimRelay> {
  const pool = connectRooms([], { requestIntervalMs: 0, requestJitterMs: 0 });
  const relay = await startRelay(pool, relayOptions);
  let sim: Simulator | undefined;
  return {
    pool,
    relay,
    get sim() {
      if (!sim) throw new Error('join() first');
      return sim;
    },
    join: async () => {
      sim = await startSimulator(
        content.scenario
          ? { source: batchSource(content.scenario.toSource().batches), historySize: 100 }
          : { scenario: content.seeded },
      );
      pool.add(ROOM, { endpoints: sim.httpUrl, cookie: COOKIE });
      return sim;
    },
    close: async () => {
      await relay.close();
      await pool.close();
      await sim?.close();
    },
  };
}

/** An HTTP answer. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** GET with optional headers. */
export function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** One SSE event as read off the wire. */
export interface SseEvent {
  readonly id: number | undefined;
  readonly data: Record<string, unknown>;
}

/** A Server-Sent Events reader. */
export class SseReader {
  readonly events: SseEvent[] = [];
  status = 0;
  ended = false;
  private readonly req;
  private buffer = '';

  constructor(url: string, headers: Record<string, string> = {}) {
    this.req = request(url, { headers }, (res) => {
      this.status = res.statusCode ?? 0;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => this.feed(chunk));
      res.on('end', () => (this.ended = true));
      res.on('error', () => (this.ended = true));
    });
    this.req.on('error', () => (this.ended = true));
    this.req.end();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      let id: number | undefined;
      let data: string | undefined;
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) id = Number(line.slice(4));
        else if (line.startsWith('data: ')) data = line.slice(6);
      }
      if (data !== undefined) this.events.push({ id, data: JSON.parse(data) as Record<string, unknown> });
    }
  }

  /** The ids of the events that had one. */
  get lastId(): number | undefined {
    return [...this.events].reverse().find((e) => e.id !== undefined)?.id;
  }

  /** The message events' data. */
  messages(): Record<string, unknown>[] {
    return this.events.filter((e) => e.data['kind'] === 'message').map((e) => e.data);
  }

  close(): void {
    this.req.destroy();
  }
}

/** A WebSocket client that keeps every parsed frame. */
export class WsReader {
  readonly events: Record<string, unknown>[] = [];
  readonly socket: WebSocket;
  closeCode: number | undefined;
  readonly opened: Promise<void>;
  readonly closed: Promise<number>;

  constructor(url: string, options: { headers?: Record<string, string>; origin?: string } = {}) {
    this.socket = new WebSocket(url, {
      headers: options.headers,
      ...(options.origin ? { origin: options.origin } : {}),
    });
    this.socket.on('message', (data) => this.events.push(JSON.parse(String(data)) as Record<string, unknown>));
    this.opened = new Promise((resolve, reject) => {
      this.socket.once('open', () => resolve());
      this.socket.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
      );
      this.socket.once('error', reject);
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) =>
      this.socket.once('close', (code) => {
        this.closeCode = code;
        resolve(code);
      }),
    );
  }

  messages(): Record<string, unknown>[] {
    return this.events.filter((e) => e['kind'] === 'message');
  }
}

/** The WebSocket URL of a relay path. */
export function wsUrl(relay: Relay, path: string): string {
  return relay.url.replace(/^http/, 'ws') + path;
}
