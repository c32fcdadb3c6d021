/**
 * Encoders and builders for tests, the simulator and fixtures: build messages, Responses and gzipped
 * PushFrames from plain data, so nobody assembles bytes by hand.
 */
import { gzipSync } from 'node:zlib';
import {
  methodTypes,
  type KnownMethod,
  type MethodWireMap,
  type wire,
  FrameHeader,
  PayloadType,
  encodeWire,
  type MessageInit,
} from '@douyin-live/core';

/** A user for a built message: a nickname, or more. */
export type UserSpec =
  | string
  | {
      readonly nickname: string;
      /** 64-bit id; derived from the nickname when absent. */
      readonly id?: string | undefined;
      readonly secUid?: string | undefined;
      readonly payLevel?: number | undefined;
      readonly fansClub?: { readonly name: string; readonly level: number } | undefined;
      readonly isAdmin?: boolean | undefined;
    };

/** A stable pseudo-id for a nickname, so the same name is the same user across a test. */
export function userIdFor(nickname: string): string {
  let h = 0x811c9dc5;
  for (const ch of nickname) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return String(70_000_000_000n + BigInt(h));
}

/** The wire `User` for a {@link UserSpec}. */
export function userInit(spec: UserSpec): MessageInit<wire.User> {
  const s = typeof spec === 'string' ? { nickname: spec } : spec;
  const id = s.id ?? userIdFor(s.nickname);
  return {
    id,
    idStr: id,
    nickname: s.nickname,
    secUid: s.secUid ?? `MS4wLjABAAAA${id}`,
    payGrade: s.payLevel !== undefined ? { level: String(s.payLevel) } : undefined,
    fansClub: s.fansClub ? { data: { clubName: s.fansClub.name, level: s.fansClub.level } } : undefined,
    userAttr: s.isAdmin ? { isAdmin: true } : undefined,
  };
}

/** Encodes a message payload of a known method. */
export function encodeMessagePayload<M extends KnownMethod>(
  method: M,
  payload: MessageInit<MethodWireMap[M]>,
): Uint8Array {
  return encodeWire(methodTypes[method], payload as never);
}

/** A message envelope ready to put into a Response. */
export interface BuiltMessage {
  readonly method: string;
  readonly msgId: string;
  readonly payload: Uint8Array;
}

/** Options of {@link messageFactory}. */
export interface MessageFactoryOptions {
  /** Room id stamped into every message's `common`. @defaultValue `'7400000000000000001'` */
  readonly roomId?: string | undefined;
  /** First message id; each built message takes the next. @defaultValue `7400000000000000000n` */
  readonly firstMsgId?: bigint | undefined;
  /** Clock for `common.create_time`, in ms. @defaultValue `Date.now` */
  readonly now?: (() => number) | undefined;
}

/** A gift for {@link MessageFactory.gift}. */
export interface GiftSpec {
  readonly user: UserSpec;
  readonly giftId?: string | undefined;
  readonly name?: string | undefined;
  /** Unit price in diamonds. @defaultValue 1 */
  readonly diamondCount?: number | undefined;
  /** Whether the gift is a combo gift. @defaultValue true */
  readonly combo?: boolean | undefined;
  /** Running count within the streak. @defaultValue 1 */
  readonly repeatCount?: number | undefined;
  readonly comboCount?: number | undefined;
  readonly groupCount?: number | undefined;
  /** Streak id. @defaultValue `'0'` */
  readonly groupId?: string | undefined;
  /** Last message of the streak. @defaultValue true */
  readonly repeatEnd?: boolean | undefined;
  readonly totalCount?: number | undefined;
}

/** Builds messages with consecutive ids. Every method also accepts `msgId` to pin an id. */
export interface MessageFactory {
  /** The next message id (without consuming it). */
  peekMsgId(): string;
  /** Any known method, from its wire fields (`common` is filled in). */
  message<M extends KnownMethod>(method: M, payload: MessageInit<MethodWireMap[M]>, msgId?: string): BuiltMessage;
  chat(user: UserSpec, content: string, msgId?: string): BuiltMessage;
  gift(spec: GiftSpec, msgId?: string): BuiltMessage;
  like(user: UserSpec, count: number, total: number, msgId?: string): BuiltMessage;
  member(user: UserSpec, memberCount: number, msgId?: string): BuiltMessage;
  follow(user: UserSpec, followCount: number, msgId?: string): BuiltMessage;
  share(user: UserSpec, msgId?: string): BuiltMessage;
  viewers(total: number, totalUser: number, msgId?: string): BuiltMessage;
  roomStats(displayMiddle: string, total: number, msgId?: string): BuiltMessage;
  control(action: number, msgId?: string): BuiltMessage;
}

/** Creates a {@link MessageFactory}. */
export function messageFactory(options: MessageFactoryOptions = {}): MessageFactory {
  const roomId = options.roomId ?? '7400000000000000001';
  const now = options.now ?? Date.now;
  let next = options.firstMsgId ?? 7400000000000000000n;
  const take = (pinned?: string): string => {
    if (pinned !== undefined) return pinned;
    const id = String(next);
    next += 1n;
    return id;
  };
  const message = <M extends KnownMethod>(
    method: M,
    payload: MessageInit<MethodWireMap[M]>,
    pinned?: string,
  ): BuiltMessage => {
    const msgId = take(pinned);
    const common: MessageInit<wire.Common> = { method, msgId, roomId, createTime: String(now()) };
    const withCommon = { ...payload, common: { ...common, ...(payload as { common?: object }).common } };
    return { method, msgId, payload: encodeMessagePayload(method, withCommon as MessageInit<MethodWireMap[M]>) };
  };
  return {
    peekMsgId: () => String(next),
    message,
    chat: (user, content, msgId) => message('WebcastChatMessage', { user: userInit(user), content }, msgId),
    gift: (g, msgId) => {
      const giftId = g.giftId ?? '463';
      return message(
        'WebcastGiftMessage',
        {
          giftId,
          user: userInit(g.user),
          repeatCount: String(g.repeatCount ?? 1),
          comboCount: String(g.comboCount ?? g.repeatCount ?? 1),
          groupCount: String(g.groupCount ?? 1),
          groupId: g.groupId ?? '0',
          repeatEnd: (g.repeatEnd ?? true) ? 1 : 0,
          totalCount: String(g.totalCount ?? g.repeatCount ?? 1),
          gift: { id: giftId, name: g.name ?? '小心心', diamondCount: g.diamondCount ?? 1, combo: g.combo ?? true },
        },
        msgId,
      );
    },
    like: (user, count, total, msgId) =>
      message('WebcastLikeMessage', { user: userInit(user), count: String(count), total: String(total) }, msgId),
    member: (user, memberCount, msgId) =>
      message('WebcastMemberMessage', { user: userInit(user), memberCount: String(memberCount), action: '1' }, msgId),
    follow: (user, followCount, msgId) =>
      message('WebcastSocialMessage', { user: userInit(user), action: '1', followCount: String(followCount) }, msgId),
    share: (user, msgId) =>
      message('WebcastSocialMessage', { user: userInit(user), action: '3', shareType: '1' }, msgId),
    viewers: (total, totalUser, msgId) =>
      message(
        'WebcastRoomUserSeqMessage',
        { total: String(total), totalUser: String(totalUser), totalUserStr: String(totalUser) },
        msgId,
      ),
    roomStats: (displayMiddle, total, msgId) =>
      message('WebcastRoomStatsMessage', { displayMiddle, displayShort: displayMiddle, total: String(total) }, msgId),
    control: (action, msgId) => message('WebcastControlMessage', { action: String(action) }, msgId),
  };
}

/** Encodes a Response. Messages may be {@link BuiltMessage}s or wire `Message` inits. */
export function encodeResponse(init: MessageInit<wire.Response>): Uint8Array {
  return encodeWire('Response', init);
}

/** Options of {@link encodeFrame}. */
export interface FrameSpec {
  /** The Response (built or already encoded). */
  readonly response?: MessageInit<wire.Response> | Uint8Array | undefined;
  /** Raw payload, instead of a Response. */
  readonly payload?: Uint8Array | undefined;
  /** Gzip the payload (as the server does). @defaultValue true */
  readonly gzip?: boolean | undefined;
  /** @defaultValue `'msg'` */
  readonly payloadType?: string | undefined;
  readonly logId?: string | undefined;
  readonly seqId?: string | undefined;
  /** Extra headers; `compress_type` is set when gzipped, and `im-cursor` / `im-internal_ext` from the Response. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/** Encodes a PushFrame, gzipping the payload and setting the headers the real server sets. */
export function encodeFrame(spec: FrameSpec): Uint8Array {
  const gzip = spec.gzip ?? true;
  const responseInit = spec.response instanceof Uint8Array ? undefined : spec.response;
  let payload = spec.payload ?? (spec.response instanceof Uint8Array ? spec.response : undefined);
  if (payload === undefined && responseInit !== undefined) payload = encodeResponse(responseInit);
  payload ??= new Uint8Array(0);
  const headers: Record<string, string> = {};
  if (gzip) headers[FrameHeader.COMPRESS_TYPE] = 'gzip';
  if (responseInit?.cursor) headers[FrameHeader.CURSOR] = responseInit.cursor;
  if (responseInit?.internalExt) headers[FrameHeader.INTERNAL_EXT] = responseInit.internalExt;
  Object.assign(headers, spec.headers);
  return encodeWire('PushFrame', {
    seqId: spec.seqId ?? '0',
    logId: spec.logId ?? '0',
    payloadEncoding: 'pb',
    payloadType: spec.payloadType ?? PayloadType.MSG,
    headers: Object.entries(headers).map(([key, value]) => ({ key, value })),
    payload: gzip ? gzipSync(payload) : payload,
  });
}
