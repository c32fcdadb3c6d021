/**
 * `startRelay(sources)`: one Node HTTP server for the relay's pages, API, Server-Sent Events and (through `ws`
 * with `noServer`, on the same port) the WebSocket.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  DouyinLiveError,
  ErrorCodes,
  isDouyinLiveError,
  messageToJson,
  methodFilter,
  type ErrorCode,
} from '@douyin-live/core';
import type { Subscription } from 'rxjs';
import { WebSocketServer } from 'ws';
import { checkAccess, checkOrigin, originAllowed, type AccessPolicy } from './auth.js';
import { SseClient, WsClient, type RelayClient } from './clients.js';
import type { RelayEvent } from './events.js';
import { entryOf, EventHub, type HubEntry } from './hub.js';
import { isLoopbackHost, resolveRelayOptions, type RelayOptions, type ResolvedRelayOptions } from './options.js';
import { pageOf } from './pages/index.js';
import { parseEventFilter, parseEventId, parseOverlayQuery, type EventFilter } from './query.js';
import { RelayRoom, type RelayRoomSummary } from './room.js';
import { relayFeed, type RelayFeed, type RelaySources } from './sources.js';

/** Counters of a relay. */
export interface RelayStats {
  /** Clients connected now. */
  clients: number;
  /** WebSocket clients connected now. */
  wsClients: number;
  /** SSE clients connected now. */
  sseClients: number;
  /** Events published (messages, states, errors, derived). */
  events: number;
  /** Events handed to clients (one per client per event). */
  delivered: number;
  /** Clients closed because their send buffer overflowed. */
  slowClientsClosed: number;
  /** Requests refused, by HTTP status. */
  refused: Record<number, number>;
}

/** A running relay. */
export interface Relay {
  /** `http://host:port`: the dashboard; overlays under `/overlay/…`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Live counters. */
  readonly stats: Readonly<RelayStats>;
  /** What `/api/rooms` answers. */
  rooms(): RelayRoomSummary[];
  /** Closes every client (WebSocket 1001, SSE end) and the server; the sources are left running. */
  close(): Promise<void>;
}

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  [ErrorCodes.INVALID_ARGUMENT]: 400,
  [ErrorCodes.UNAUTHORIZED]: 401,
  [ErrorCodes.FORBIDDEN]: 403,
  [ErrorCodes.TOO_MANY_CLIENTS]: 503,
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Starts a relay for a room pool or a set of sessions keyed by room, and resolves once it listens. Refuses
 * (INVALID_ARGUMENT) a non-loopback `host` without a `token`.
 *
 * @example
 * ```ts
 * const relay = await startRelay(connectRooms(['261378947940']));
 * console.log(`${relay.url}/overlay/chat`);
 * ```
 */
export async function startRelay(sources: RelaySources, options: RelayOptions = {}): Promise<Relay> {
  const relay = new RelayServer(relayFeed(sources), resolveRelayOptions(options));
  await relay.listen();
  return relay;
}

class RelayServer implements Relay {
  private readonly hub: EventHub;
  private readonly server = createServer((req, res) => this.onRequest(req, res));
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<RelayClient>();
  private readonly roomStates = new Map<string, RelayRoom>();
  private readonly subscriptions: Subscription[] = [];
  private readonly policy: AccessPolicy;
  private readonly keep: ((method: string) => boolean) | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private counters = { slowClientsClosed: 0, refused: {} as Record<number, number> };
  private closing: Promise<void> | undefined;
  port = 0;

  constructor(
    private readonly feed: RelayFeed,
    private readonly options: ResolvedRelayOptions,
  ) {
    this.hub = new EventHub(options.eventBufferSize);
    this.keep = methodFilter(options.only);
    this.policy = {
      token: options.token,
      loopbackOnly: isLoopbackHost(options.host),
      allowOrigins: options.allowOrigins,
    };
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.subscriptions.push(
      feed.states$.subscribe(({ room, state }) => {
        this.room(room).setState(state);
        this.hub.publish({ kind: 'state', room, state });
      }),
      feed.errors$.subscribe(({ room, error, fatal }) => {
        this.room(room).errors += 1;
        this.hub.publish({ kind: 'error', room, code: error.code, message: error.message, fatal });
      }),
      feed.messages$.subscribe(({ room, message }) => {
        if (this.keep && !this.keep(message.method)) return;
        const r = this.room(room);
        // The same object `watch --json` prints, with the room key first.
        this.hub.publish({ room, ...messageToJson(message) } as RelayEvent);
        r.onMessage(message);
      }),
    );
  }

  get host(): string {
    return this.options.host;
  }

  get url(): string {
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${this.port}`;
  }

  get stats(): RelayStats {
    let ws = 0;
    for (const c of this.clients) if (c.transport === 'ws') ws += 1;
    return {
      clients: this.clients.size,
      wsClients: ws,
      sseClients: this.clients.size - ws,
      events: this.hub.published,
      delivered: this.hub.delivered,
      slowClientsClosed: this.counters.slowClientsClosed,
      refused: { ...this.counters.refused },
    };
  }

  rooms(): RelayRoomSummary[] {
    const keys = new Set([...this.feed.rooms(), ...this.roomStates.keys()]);
    return [...keys].map((key) => {
      const info = this.feed.session(key)?.room;
      return this.room(key).summary(
        info ? { roomId: info.roomId, title: info.title, anchor: info.anchor?.nickname } : undefined,
      );
    });
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : this.options.port;
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.heartbeat();
    }, this.options.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.heartbeat);
      for (const s of this.subscriptions) s.unsubscribe();
      for (const r of this.roomStates.values()) r.close();
      for (const c of [...this.clients]) c.close();
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server.close(() => resolve()));
    })();
    return this.closing;
  }

  private room(key: string): RelayRoom {
    let r = this.roomStates.get(key);
    if (r === undefined) {
      r = new RelayRoom(key, (e) => this.hub.publish(e), this.options.leaderboardTop);
      this.roomStates.set(key, r);
    }
    return r;
  }

  private refuse(res: ServerResponse, error: unknown): void {
    const status = isDouyinLiveError(error) ? (STATUS_OF[error.code] ?? 500) : 500;
    const code = isDouyinLiveError(error) ? error.code : 'INTERNAL';
    this.counters.refused[status] = (this.counters.refused[status] ?? 0) + 1;
    const message = error instanceof Error ? error.message : String(error);
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify({ error: code, message }));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    try {
      const url = new URL(req.url ?? '/', 'http://relay');
      checkAccess(req, url, this.policy);
      if (originAllowed(req, this.policy) && req.headers.origin !== undefined) {
        res.setHeader('Access-Control-Allow-Origin', req.headers.origin);
        res.setHeader('Vary', 'Origin');
      }
      if (req.method === 'OPTIONS') {
        res.writeHead(204, { 'Access-Control-Allow-Headers': 'Authorization, Last-Event-ID' });
        res.end();
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        this.plain(res, 405, `${req.method} is not served here: the relay is read-only`);
        return;
      }
      if (url.pathname === '/events') {
        this.openSse(req, res, url);
        return;
      }
      if (url.pathname === '/api/rooms') {
        this.json(res, { rooms: this.rooms(), clients: this.stats.clients });
        return;
      }
      const page = pageOf(url.pathname);
      if (page === undefined) {
        this.plain(res, 404, `nothing at ${url.pathname} (try /, /overlay/chat, /api/rooms, /events, /ws)`);
        return;
      }
      if (page.overlay) parseOverlayQuery(url.searchParams, this.feed.rooms(), this.feed.dynamic);
      res.writeHead(200, {
        'Content-Type': page.contentType,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : this.withAssetToken(page.body, url));
    } catch (error) {
      this.refuse(res, error);
    }
  }

  /**
   * A page's links to its script and style sheet, with the token the page was opened with: the assets need it
   * like every route, and an OBS browser source can only pass it in URLs.
   */
  private withAssetToken(body: string, url: URL): string {
    const token = this.policy.token === undefined ? undefined : url.searchParams.get('token');
    if (!token) return body;
    const query = `?token=${encodeURIComponent(token)}`;
    return body.replace(/"(\/assets\/[\w.-]+)"/g, `"$1${query.replace(/&/g, '&amp;')}"`);
  }

  private json(res: ServerResponse, value: unknown): void {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(value));
  }

  private plain(res: ServerResponse, status: number, message: string): void {
    this.counters.refused[status] = (this.counters.refused[status] ?? 0) + 1;
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: STATUS_TEXT[status], message }));
  }

  private checkCapacity(): void {
    if (this.clients.size >= this.options.maxClients) {
      throw new DouyinLiveError(
        ErrorCodes.TOO_MANY_CLIENTS,
        `the relay already serves ${this.options.maxClients} clients`,
        { maxClients: this.options.maxClients },
      );
    }
  }

  private filterOf(url: URL): EventFilter {
    return parseEventFilter(url.searchParams, this.feed.rooms(), this.feed.dynamic);
  }

  private added(client: RelayClient): void {
    this.clients.add(client);
    this.hub.clients.add(client);
  }

  private gone = (client: RelayClient, slow: boolean): void => {
    this.clients.delete(client);
    this.hub.clients.delete(client);
    if (slow) this.counters.slowClientsClosed += 1;
  };

  /** What a client gets on connecting: the resumed backlog, then the current state of what it asked for. */
  private greeting(filter: EventFilter, resumeFrom: number | undefined): HubEntry[] {
    const out: HubEntry[] = [];
    if (resumeFrom !== undefined) {
      const { entries, gap } = this.hub.since(resumeFrom, filter);
      if (gap !== undefined) out.push(entryOf({ kind: 'resume-gap', lastEventId: resumeFrom, oldestEventId: gap }, 0));
      out.push(...entries);
    }
    for (const r of this.roomStates.values()) {
      if (filter.rooms !== undefined && !filter.rooms.has(r.key)) continue;
      if (resumeFrom === undefined && r.state !== 'unknown') {
        out.push(entryOf({ kind: 'state', room: r.key, state: r.state }, 0));
      }
      if (filter.derived.has('leaderboard')) out.push(entryOf(r.leaderboard(), 0));
      if (filter.derived.has('audience')) out.push(entryOf(r.audience(), 0));
    }
    return out;
  }

  private openSse(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const filter = this.filterOf(url);
    const resumeFrom =
      parseEventId(req.headers['last-event-id'] as string | undefined, 'Last-Event-ID') ??
      parseEventId(url.searchParams.get('lastEventId'), 'lastEventId');
    this.checkCapacity();
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      // Proxies such as nginx would otherwise hold events back.
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    const client = new SseClient(res, filter, this.options.maxBufferedBytes, this.gone);
    client.write('retry: 2000\n\n');
    for (const entry of this.greeting(filter, resumeFrom)) client.send(entry);
    this.added(client);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    let filter: EventFilter;
    let resumeFrom: number | undefined;
    try {
      const url = new URL(req.url ?? '/', 'http://relay');
      checkAccess(req, url, this.policy);
      if (url.pathname !== '/ws') {
        throw Object.assign(new Error(`no WebSocket at ${url.pathname} (use /ws)`), { status: 404 });
      }
      checkOrigin(req, this.policy);
      filter = this.filterOf(url);
      resumeFrom = parseEventId(url.searchParams.get('lastEventId'), 'lastEventId');
      this.checkCapacity();
    } catch (error) {
      // Refused before the handshake completes: the client sees an HTTP error, not an open socket that closes.
      const status = isDouyinLiveError(error)
        ? (STATUS_OF[error.code] ?? 500)
        : ((error as { status?: number }).status ?? 500);
      this.counters.refused[status] = (this.counters.refused[status] ?? 0) + 1;
      const body = JSON.stringify({
        error: isDouyinLiveError(error) ? error.code : STATUS_TEXT[status],
        message: error instanceof Error ? error.message : String(error),
      });
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const client = new WsClient(ws, filter, this.options.maxBufferedBytes, this.gone);
      for (const entry of this.greeting(filter, resumeFrom)) client.send(entry);
      this.added(client);
    });
  }
}
