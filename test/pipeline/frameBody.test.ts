import { gunzipSync } from 'node:zlib';
import { decodeWire } from '../../packages/core/src/wire/codec.js';
import { methodTypes, type KnownMethod } from '../../packages/core/src/gen/douyin.js';
import type * as wire from '../../packages/core/src/gen/douyin.js';
import { decodeFrame } from '../../packages/core/src/pipeline/decodeFrames.js';
import { envelopesOf } from '../../packages/core/src/pipeline/toMessages.js';
import type { DecodedFrame, DecodeFailure, InboundResponse } from '../../packages/core/src/pipeline/types.js';
import { frameBodyOf, unpackResponse } from '../../packages/core/src/pipeline/unpackResponses.js';
import { MAX_SHARED_BYTES } from '../../packages/core/src/pipeline/inflate.js';
import { decodeEnvelope } from '../../packages/core/src/messages/envelope.js';
import type { LiveMessage } from '../../packages/core/src/messages/types.js';
import { encodeFrame, messageFactory, userInit, type BuiltMessage } from '@douyin-live/testing';

// Each frame's messages are decoded from one inflate buffer that the next frame reuses (pipeline/frameBody.ts).
// Whatever a consumer keeps of a frame must still read that frame's bytes after later frames were inflated.

const factory = messageFactory({ roomId: '7400000000000000042' });

/**
 * A frame of chats (with avatars) and a gift, tagged `tag`; with `odd`, also an unknown method and a payload that does
 * not decode (either makes the frame's bytes its own at once: their bytes are kept).
 */
function frameOf(tag: string, odd: boolean): { bytes: Uint8Array; built: BuiltMessage[] } {
  const withAvatar = (nickname: string) => ({
    ...userInit(nickname),
    avatarThumb: { urlList: [`https://p3.example/${tag}/${nickname}.jpg`] },
  });
  const built = [
    factory.message('WebcastChatMessage', { user: withAvatar(`${tag}-甲`), content: `${tag} 你好`.repeat(3) }),
    factory.gift({ user: `${tag}-乙`, name: `${tag}-gift`, diamondCount: 5 }),
    factory.message('WebcastChatMessage', { user: withAvatar(`${tag}-丙`), content: tag }),
  ];
  if (odd) {
    built.push(
      { method: 'WebcastNoSuchMessage', msgId: factory.peekMsgId(), payload: Buffer.from(`${tag}-unknown-bytes`) },
      { method: 'WebcastLikeMessage', msgId: '1', payload: Uint8Array.of(0x0a, 0x7f, 0x01) },
    );
  }
  return { bytes: encodeFrame({ response: { messages: built, cursor: `c-${tag}` } }), built };
}

/** The same frame decoded the plain way, every payload a buffer of its own. */
function reference(bytes: Uint8Array): wire.Response {
  const frame = decodeFrame(bytes) as DecodedFrame;
  return decodeWire('Response', gunzipSync(frame.payload));
}

function unpack(bytes: Uint8Array): InboundResponse {
  const item = unpackResponse(decodeFrame(bytes) as DecodedFrame);
  if (item.kind !== 'response') throw new Error('frame did not unpack');
  return item;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** Everything a consumer can read of a decoded message, as plain data (forces the lazy parts). */
function snapshot(m: LiveMessage | DecodeFailure): unknown {
  if (m.kind === 'decode-failure') return { failure: hex(m.error.context.bytes as Uint8Array) };
  if ('unknown' in m) return { unknown: m.method, payload: hex(m.payload) };
  const user = 'user' in m ? (m.user as { avatarUrl?: string; nickname: string } | undefined) : undefined;
  return { json: JSON.parse(JSON.stringify(m)) as unknown, avatar: user?.avatarUrl, nickname: user?.nickname };
}

describe('frame bodies: kept parts of a frame survive the frames inflated after it', () => {
  const a = frameOf('A', false);
  const b = frameOf('B', false);
  const c = frameOf('C', false);
  const odd = frameOf('D', true);
  const refA = reference(a.bytes);
  /** What decoding each message of `bytes` from payloads of their own gives. */
  const freshOf = (bytes: Uint8Array) => reference(bytes).messages.map((m) => snapshot(decodeEnvelope(m)));

  it('decodes envelopes kept past later frames exactly as a fresh decode does', () => {
    const envelopes = envelopesOf(unpack(a.bytes));
    unpack(b.bytes); // overwrites the shared buffer
    envelopesOf(unpack(c.bytes)).forEach((e) => e.decode());
    expect(envelopes.map((e) => snapshot(e.decode()))).toEqual(freshOf(a.bytes));
    expect(envelopes.map((e) => e.method)).toEqual(refA.messages.map((m) => m.method));
    expect(envelopes.map((e) => hex(e.payload))).toEqual(refA.messages.map((m) => hex(m.payload)));
    // Spot checks against the encoder's input, not only against another decode.
    const chat = envelopes[0]!.decode();
    expect(chat).toMatchObject({ method: 'WebcastChatMessage', content: 'A 你好A 你好A 你好' });
    expect((chat as { user: { avatarUrl?: string } }).user.avatarUrl).toBe('https://p3.example/A/A-甲.jpg');
  });

  it("keeps messages decoded during their frame: raw and avatar read later are that frame's", () => {
    const decoded = envelopesOf(unpack(a.bytes)).map((e) => e.decode());
    unpack(b.bytes);
    unpack(c.bytes);
    const [chat, gift, chat2] = decoded;
    expect((chat as { user: { avatarUrl?: string } }).user.avatarUrl).toBe('https://p3.example/A/A-甲.jpg');
    const rawOf = (m: unknown) => (m as { raw: unknown }).raw;
    expect(rawOf(chat)).toEqual(decodeWire(methodTypes.WebcastChatMessage, refA.messages[0]!.payload));
    expect(rawOf(gift)).toEqual(decodeWire(methodTypes.WebcastGiftMessage, refA.messages[1]!.payload));
    expect(rawOf(chat2)).toMatchObject({ content: 'A' });
    expect((chat2 as { user: { avatarUrl?: string } }).user.avatarUrl).toBe('https://p3.example/A/A-丙.jpg');
  });

  it('keeps the payloads of unknown methods and of messages that failed to decode', () => {
    const decoded = envelopesOf(unpack(odd.bytes)).map((e) => e.decode());
    unpack(b.bytes);
    const [chat, , , unknown, failure] = decoded;
    expect(unknown).toMatchObject({ unknown: true, method: 'WebcastNoSuchMessage' });
    expect(Buffer.from((unknown as { payload: Uint8Array }).payload).toString()).toBe('D-unknown-bytes');
    expect(failure).toMatchObject({ kind: 'decode-failure', stage: 'message' });
    expect(hex((failure as { error: { context: { bytes: Uint8Array } } }).error.context.bytes)).toBe('0a7f01');
    expect((chat as { user: { avatarUrl?: string } }).user.avatarUrl).toBe('https://p3.example/D/D-甲.jpg');
    expect(decoded.map(snapshot)).toEqual(freshOf(odd.bytes));
  });

  it("hands out response.messages and envelope.raw with payloads that stay the frame's", () => {
    const item = unpack(a.bytes);
    const list = item.response!.messages;
    const envelope = envelopesOf(unpack(b.bytes))[0]!;
    const raw = envelope.raw;
    unpack(c.bytes);
    expect(list.map((m) => hex(m.payload))).toEqual(refA.messages.map((m) => hex(m.payload)));
    expect(hex(raw.payload)).toBe(hex(reference(b.bytes).messages[0]!.payload));
    expect(item.response).toMatchObject({ cursor: 'c-A', needAck: false });
    expect(JSON.parse(JSON.stringify(item.response))).toMatchObject({ cursor: 'c-A', messages: expect.any(Array) });
  });

  it('decodes every known method of a frame read after later frames as a fresh decode does', () => {
    const factoryAll = messageFactory();
    const built = (Object.keys(methodTypes) as KnownMethod[]).map((method) => factoryAll.message(method, {} as never));
    const bytes = encodeFrame({ response: { messages: built } });
    const envelopes = envelopesOf(unpack(bytes));
    unpack(a.bytes);
    expect(envelopes.map((e) => snapshot(e.decode()))).toEqual(freshOf(bytes));
  });

  it('gives frames larger than the shared buffer a buffer of their own', () => {
    const content = 'x'.repeat(MAX_SHARED_BYTES + 10);
    const big = factory.message('WebcastChatMessage', { user: userInit('big'), content });
    const envelope = envelopesOf(unpack(encodeFrame({ response: { messages: [big] } })))[0]!;
    unpack(a.bytes);
    expect(envelope.decode()).toMatchObject({ content });
  });

  it("fails with a typed error, not another frame's bytes, when the input was changed before a late read", () => {
    const bytes = Uint8Array.from(a.bytes);
    const envelope = envelopesOf(unpack(bytes))[0]!;
    unpack(b.bytes);
    bytes.fill(0x55, bytes.length - 40); // the gzip trailer and the end of the deflate stream
    expect(() => envelope.raw).toThrow(expect.objectContaining({ code: 'GZIP_FAILED' }));
    // decode() never throws: a failure value.
    expect(envelope.decode()).toMatchObject({ kind: 'decode-failure', stage: 'gzip', error: { code: 'GZIP_FAILED' } });
  });

  it('after release(), inflates again from its own copy of the compressed payload (a reused input buffer)', () => {
    const input = Uint8Array.from(a.bytes);
    const item = unpack(input);
    const envelopes = envelopesOf(item);
    frameBodyOf(item)!.release();
    input.fill(0); // the connection's read buffer, reused for the next read
    unpack(b.bytes);
    expect(envelopes.map((e) => snapshot(e.decode()))).toEqual(freshOf(a.bytes));
    expect(envelopes.map((e) => hex(e.raw.payload))).toEqual(refA.messages.map((m) => hex(m.payload)));
  });
});
