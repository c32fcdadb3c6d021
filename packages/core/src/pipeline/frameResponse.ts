/**
 * The Response of a frame as `unpackResponse` hands it out: every field a plain value, except `messages`, whose
 * payloads are made the frame's own bytes when the list is first read (see frameBody.ts). The pipeline itself reads
 * the messages through the frame body and never pays for that copy.
 */
import { inspect } from 'node:util';
import type * as wire from '../gen/douyin.js';
import type { FrameBody } from './frameBody.js';

/** A decoded Response whose `messages` give out payloads of their own on first read. */
export class FrameResponse implements wire.Response {
  readonly #body: FrameBody;
  #messages: wire.Message[];
  cursor: string;
  fetchInterval: string;
  now: string;
  internalExt: string;
  fetchType: number;
  routeParams: Record<string, string>;
  heartbeatDuration: string;
  needAck: boolean;
  pushServer: string;
  liveCursor: string;
  historyNoMore: boolean;
  proxyServer: string;
  pushServerV2: string;

  /** Takes the fields of `decoded`, whose messages' payloads are views of `body`'s bytes. */
  constructor(decoded: wire.Response, body: FrameBody) {
    this.#body = body;
    this.#messages = decoded.messages;
    this.cursor = decoded.cursor;
    this.fetchInterval = decoded.fetchInterval;
    this.now = decoded.now;
    this.internalExt = decoded.internalExt;
    this.fetchType = decoded.fetchType;
    this.routeParams = decoded.routeParams;
    this.heartbeatDuration = decoded.heartbeatDuration;
    this.needAck = decoded.needAck;
    this.pushServer = decoded.pushServer;
    this.liveCursor = decoded.liveCursor;
    this.historyNoMore = decoded.historyNoMore;
    this.proxyServer = decoded.proxyServer;
    this.pushServerV2 = decoded.pushServerV2;
  }

  /** The messages, their payloads the frame's own bytes (copied or inflated again on first read). */
  get messages(): wire.Message[] {
    this.#body.own();
    return this.#messages;
  }

  set messages(value: wire.Message[]) {
    this.#messages = value;
  }

  /** The plain-object form, `messages` first as in the wire order. */
  toJSON(): Record<string, unknown> {
    return Object.assign({ messages: this.messages } as Record<string, unknown>, this);
  }

  [inspect.custom](_depth: number, options: object): string {
    return inspect(this.toJSON(), options);
  }
}
