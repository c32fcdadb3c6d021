/**
 * The two kinds of client: a WebSocket (one JSON text frame per event) and an SSE response (`id:` + `data:`).
 * Each checks its own queued bytes before every send and closes itself past the bound, instead of letting the
 * queue grow or making the session wait.
 */
import type { ServerResponse } from 'node:http';
import { WebSocket } from 'ws';
import type { HubClient, HubEntry } from './hub.js';
import type { EventFilter } from './query.js';

/** WebSocket close code for a client that fell too far behind ("try again later"). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** WebSocket close code when the relay shuts down. */
export const CLOSE_GOING_AWAY = 1001;

/** Called once when a client goes away, with whether it was closed for being too slow. */
export type ClientGone = (client: RelayClient, slow: boolean) => void;

/** A client of `/ws` or `/events`. */
export interface RelayClient extends HubClient {
  readonly transport: 'ws' | 'sse';
  /** Sends the heartbeat (ping or `: ping`); false when the client missed the previous one and was dropped. */
  heartbeat(): boolean;
  /** Closes the client (relay shutdown). */
  close(): void;
}

/** A WebSocket client. */
export class WsClient implements RelayClient {
  readonly transport = 'ws';
  private alive = true;
  private gone = false;

  constructor(
    private readonly socket: WebSocket,
    readonly filter: EventFilter,
    private readonly maxBufferedBytes: number,
    private readonly onGone: ClientGone,
  ) {
    socket.on('pong', () => (this.alive = true));
    socket.on('close', () => this.finish(false));
    socket.on('error', () => this.finish(false));
    // Clients have nothing to say; whatever they send is ignored.
  }

  send(entry: HubEntry): void {
    if (this.gone || this.socket.readyState !== WebSocket.OPEN) return;
    if (this.socket.bufferedAmount + entry.bytes.length > this.maxBufferedBytes) {
      this.socket.close(CLOSE_TRY_AGAIN_LATER, 'too slow: send buffer full');
      this.finish(true);
      return;
    }
    // The same bytes for every client, sent as a text frame.
    this.socket.send(entry.bytes, { binary: false });
  }

  heartbeat(): boolean {
    if (this.gone) return false;
    if (!this.alive) {
      // No pong since the last ping: a half-open connection that will never send a FIN.
      this.socket.terminate();
      this.finish(false);
      return false;
    }
    this.alive = false;
    this.socket.ping();
    return true;
  }

  close(): void {
    this.socket.close(CLOSE_GOING_AWAY, 'relay shutting down');
    this.finish(false);
  }

  private finish(slow: boolean): void {
    if (this.gone) return;
    this.gone = true;
    this.onGone(this, slow);
  }
}

/** Formats one SSE event. */
export function sseFrame(entry: HubEntry): string {
  return entry.id > 0 ? `id: ${entry.id}\ndata: ${entry.json}\n\n` : `data: ${entry.json}\n\n`;
}

/** A Server-Sent Events client. */
export class SseClient implements RelayClient {
  readonly transport = 'sse';
  private gone = false;

  constructor(
    private readonly response: ServerResponse,
    readonly filter: EventFilter,
    private readonly maxBufferedBytes: number,
    private readonly onGone: ClientGone,
  ) {
    response.on('close', () => this.finish(false));
    response.on('error', () => this.finish(false));
  }

  send(entry: HubEntry): void {
    this.write(sseFrame(entry));
  }

  /** Writes raw SSE text, closing the stream if the client is too far behind. */
  write(text: string): void {
    if (this.gone) return;
    if (this.response.writableLength + text.length > this.maxBufferedBytes) {
      // SSE has no close code: the stream is cut, and the browser's EventSource resumes from its last id.
      this.response.destroy();
      this.finish(true);
      return;
    }
    this.response.write(text);
  }

  heartbeat(): boolean {
    this.write(': ping\n\n');
    return !this.gone;
  }

  close(): void {
    this.response.end();
    this.finish(false);
  }

  private finish(slow: boolean): void {
    if (this.gone) return;
    this.gone = true;
    this.onGone(this, slow);
  }
}
