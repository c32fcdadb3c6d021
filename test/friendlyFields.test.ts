// The field-selective decode (generated pick<T> decoders + a `raw` decoded on first access) against the full
// decode: same friendly fields, same `raw`, same JSON, and the same verdict (message or failure) on bad bytes.
import fc from 'fast-check';
import {
  decodeEnvelope,
  decodeWire,
  encodeWire,
  messageToJson,
  toJsonLine,
  type LiveMessage,
  type User,
} from '@douyin-live/core';
import { methodTypes, type KnownMethod } from '../packages/core/src/gen/douyin.js';
import { toFriendly } from '../packages/core/src/messages/toFriendly.js';
import type * as wire from '../packages/core/src/gen/douyin.js';
import { knownMethodSamples } from './helpers/knownSamples.js';

/** The friendly message made from the full wire decode, the way every message was made before picks. */
function eager(m: wire.Message): LiveMessage {
  // toFriendly given the full wire object (no payload): `raw` is that object.
  const method = m.method as KnownMethod;
  const full = decodeWire(methodTypes[method], m.payload) as wire.MethodWireMap[typeof method];
  return toFriendly(full, { method, msgId: m.msgId }) as LiveMessage;
}

const json = (m: LiveMessage, withRaw: boolean): string => toJsonLine(messageToJson(m, withRaw));

/** Every user of a message (sender, recipient, rank entries), in a fixed order. */
function usersOf(m: LiveMessage): (User | undefined)[] {
  const x = m as { user?: User; toUser?: User; ranks?: readonly { user?: User }[] };
  return [x.user, x.toUser, ...(x.ranks ?? []).map((r) => r.user)];
}

/** The avatar URLs of a message's users, read before anything touches `raw` (so from the payload bytes). */
const avatarsOf = (m: LiveMessage): (string | undefined)[] => usersOf(m).map((u) => u?.avatarUrl);

describe('field-selective decode', () => {
  let all: wire.Message[] = [];
  beforeAll(async () => {
    all = await knownMethodSamples();
  });

  it('covers every method with a friendly shape', () => {
    const methods = new Set(all.map((m) => m.method));
    for (const m of ['Chat', 'Gift', 'Like', 'Member', 'Social', 'RoomUserSeq', 'RoomStats', 'Control'])
      expect(methods).toContain(`Webcast${m}Message`);
  });

  it('gives the friendly fields, raw and JSON of the full decode', () => {
    expect(all.length).toBeGreaterThan(100);
    for (const m of all) {
      const lazy = decodeEnvelope(m);
      const full = eager(m);
      if (lazy.kind === 'decode-failure') throw lazy.error;
      // Avatars (read from the payload until `raw` is decoded) and the friendly fields, before anything reads `raw`.
      expect(avatarsOf(lazy)).toEqual(avatarsOf(full));
      expect(json(lazy, false)).toBe(json(full, false));
      expect(json(lazy, true)).toBe(json(full, true));
      expect(JSON.stringify(lazy)).toBe(JSON.stringify(full));
      expect('unknown' in lazy ? undefined : lazy.raw).toEqual('unknown' in full ? undefined : full.raw);
      expect(Object.keys(messageToJson(lazy, true))[5]).toBe('raw');
    }
  });

  it("takes the id from the payload's common.msg_id when the envelope carries none, as the full decode does", () => {
    let checked = 0;
    for (const m of all) {
      const anonymous = { ...m, msgId: '0' };
      const lazy = decodeEnvelope(anonymous);
      if (lazy.kind === 'decode-failure') throw lazy.error;
      const full = eager(anonymous);
      expect(json(lazy, true)).toBe(json(full, true));
      const common = (decodeWire(methodTypes[m.method as KnownMethod], m.payload) as { common?: wire.Common }).common;
      if (common !== undefined && common.msgId !== '0') {
        expect(lazy.msgId).toBe(common.msgId);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it("keeps a user's raw the same object as the message's raw.user", () => {
    const chats = all.map((m) => decodeEnvelope(m)).filter((m) => m.kind === 'message' && 'user' in m);
    expect(chats.length).toBeGreaterThan(10);
    for (const m of chats) {
      const { user, raw } = m as LiveMessage & { user: { raw: wire.User }; raw: { user?: wire.User } };
      if (raw.user !== undefined) expect(user.raw).toBe(raw.user);
      else expect(user.raw).toEqual(decodeWire('User', new Uint8Array(0)));
    }
  });

  it('fails exactly where the full decode fails, on mutated payloads', () => {
    const pool = all.filter((m) => m.payload.length > 0);
    fc.assert(
      fc.property(
        fc.nat(pool.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (which, edits, cut) => {
          const m = pool[which]!;
          const bytes = Uint8Array.from(m.payload);
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const payload = cut % 4 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
          const method = m.method as KnownMethod;
          let fullFails = false;
          try {
            decodeWire(methodTypes[method], payload);
          } catch {
            fullFails = true;
          }
          const out = decodeEnvelope({ ...m, payload });
          expect(out.kind === 'decode-failure').toBe(fullFails);
          if (out.kind === 'message' && !('unknown' in out)) {
            const full = toFriendly(decodeWire(methodTypes[method], payload), {
              method,
              msgId: m.msgId,
            }) as LiveMessage;
            expect(avatarsOf(out)).toEqual(avatarsOf(full));
            expect(out.raw).toEqual(decodeWire(methodTypes[method], payload));
          }
        },
      ),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('reads avatars from the payload by the full decoder’s rules: last user and avatar win, first URL, nth rank', () => {
    const enc = encodeWire;
    const user = (nickname: string, urls?: string[]) => ({
      nickname,
      ...(urls ? { avatarThumb: { urlList: urls, uri: 'u' } } : {}),
    });
    const concat = (...parts: Uint8Array[]) => Buffer.concat(parts);
    const cases: [KnownMethod, Uint8Array][] = [
      ['WebcastChatMessage', enc('ChatMessage', { user: user('a', ['1', '2']), content: 'x' })],
      ['WebcastChatMessage', enc('ChatMessage', { content: 'no user' })],
      ['WebcastChatMessage', enc('ChatMessage', { user: user('no avatar') })],
      ['WebcastChatMessage', enc('ChatMessage', { user: { avatarThumb: { uri: 'no urls' } } })],
      // A field repeated on the wire: the last user, and in it the last avatar, count.
      [
        'WebcastChatMessage',
        concat(enc('ChatMessage', { user: user('a', ['1']) }), enc('ChatMessage', { user: user('b') })),
      ],
      [
        'WebcastChatMessage',
        concat(enc('ChatMessage', { user: user('a') }), enc('ChatMessage', { user: user('b', ['2']) })),
      ],
      [
        'WebcastChatMessage',
        enc('ChatMessage', {
          user: decodeWire('User', concat(enc('User', user('a', ['1', '2'])), enc('User', user('a', ['3'])))),
        }),
      ],
      [
        'WebcastGiftMessage',
        enc('GiftMessage', { user: user('from', ['f']), toUser: user('to', ['t']), gift: { name: 'g' } }),
      ],
      ['WebcastGiftMessage', enc('GiftMessage', { user: user('from', ['f']) })],
      [
        'WebcastRoomUserSeqMessage',
        enc('RoomUserSeqMessage', {
          ranks: [{ user: user('r0', ['0']) }, { rank: '2' }, { user: user('r2') }, { user: user('r3', ['3', '4']) }],
        }),
      ],
      ['WebcastRoomRankMessage', enc('RoomRankMessage', { ranks: [{ user: user('r0', ['0']) }, { scoreStr: '1' }] })],
      ['WebcastMemberMessage', concat(enc('MemberMessage', { user: user('m', ['1']) }), Uint8Array.of(0x10, 0x05))],
    ];
    // The user field number again, but as a varint: an unknown field the full decoder skips.
    const chatUserTag = enc('ChatMessage', { user: {} })[0]!;
    cases.push([
      'WebcastChatMessage',
      concat(enc('ChatMessage', { user: user('a', ['1']) }), Uint8Array.of(chatUserTag & ~7, 1)),
    ]);
    for (const [method, payload] of cases) {
      const lazy = decodeEnvelope({ method, payload, msgId: '1' } as wire.Message);
      if (lazy.kind === 'decode-failure') throw lazy.error;
      const full = eager({ method, payload, msgId: '1' } as wire.Message);
      expect(avatarsOf(lazy)).toEqual(avatarsOf(full));
      expect(json(lazy, true)).toBe(json(full, true));
    }
  });
});
