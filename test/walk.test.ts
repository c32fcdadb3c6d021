// The table-driven validation walk (wire/walk.ts): byte-level cases on hand-made tables, and the generated tables
// against the full generated decoders — the same error (message and offset) on every mutated real payload.
import fc from 'fast-check';
import { decodeEnvelope, decodeWire } from '@douyin-live/core';
import { methodTypes, type KnownMethod } from '../packages/core/src/gen/douyin.js';
import { MAX_NESTING, ProtoReader, WireFormatError } from '../packages/core/src/wire/reader.js';
import { ProtoWriter } from '../packages/core/src/wire/writer.js';
import {
  PACKED_FIXED32,
  PACKED_FIXED64,
  PACKED_VARINT,
  WireWalker,
  type WalkTable,
} from '../packages/core/src/wire/walk.js';
import type * as wire from '../packages/core/src/gen/douyin.js';
import { knownMethodSamples } from './helpers/knownSamples.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

// Type 0: field 1 a nested type 1, 2/3/4 packed varints / fixed32 / fixed64, 700 (past the dense range) a type 1.
// Type 1: field 5 a nested type 1 (recursive); everything else scalar.
const TABLES: WalkTable[] = [
  [1, 1, 2, PACKED_VARINT, 3, PACKED_FIXED32, 4, PACKED_FIXED64, 700, 1],
  [5, 1],
];
const walker = new WireWalker(TABLES);

/** Walks all of `bytes` as type 0 and returns the reader's final position. */
function walkAll(bytes: Uint8Array): number {
  const r = new ProtoReader(bytes);
  walker.walk(r, r.len, 0);
  return r.pos;
}

describe('WireWalker', () => {
  it('accepts every kind of field and stops exactly at the end', () => {
    const bytes = hex(
      [
        '0a 04 3001 2a00', // field 1: { 6: 1, 5: {} }
        '12 03 01 ac02', // field 2: packed varints 1, 300
        '1a 08 01000000 02000000', // field 3: packed fixed32
        '22 08 0100000000000000', // field 4: packed fixed64
        'e22b 04 2a02 3001', // field 700: { 5: { 6: 1 } }
        '3b 0801 3c', // field 7: a group with one varint
        '49 0102030405060708', // field 9: fixed64
        '55 01020304', // field 10: fixed32
        '5a 03 616263', // field 11: bytes
        '60 ffffffffffffffffff01', // field 12: a 10-byte varint
      ].join(''),
    );
    expect(walkAll(bytes)).toBe(bytes.length);
  });

  it('skips one field of a type the way its table says (skipField)', () => {
    // Tag of field 1 already read; the nested message is walked, the reader left after it.
    const r = new ProtoReader(hex('04 2a02 3001 30 01'));
    walker.skipField(r, 0x0a, 0);
    expect(r.pos).toBe(5);
    // A varint field, a length-delimited field of no nested type.
    const v = new ProtoReader(hex('ac02 ff'));
    walker.skipField(v, 0x30, 1);
    expect(v.pos).toBe(2);
    const s = new ProtoReader(hex('02 0000 ff'));
    walker.skipField(s, 0x32, 1);
    expect(s.pos).toBe(3);
  });

  it.each([
    ['a nested message that overruns its length', '0a 02 30 ac02', 'nested message overran its length at byte 4'],
    [
      'a packed fixed32 list that is not a multiple of 4',
      '1a 06 000000000000 3001 3001',
      'nested message overran its length at byte 8',
    ],
    ['a packed fixed64 list cut by the end of the input', '22 04 00000000', 'truncated: need 8 bytes at byte 2'],
    ['a packed varint running past its list', '12 01 ac 02', 'nested message overran its length at byte 3'],
    ['field number 0 in a nested message', '0a 02 0000', 'field number 0 at byte 3'],
    ['an invalid wire type past the dense range', 'e22b 02 0e00', 'invalid wire type 6 at byte 4'],
    ['a length past the end, two levels down', '0a 04 2a02 2a05', 'length 5 runs past the end at byte 5'],
    [
      'a varint over 10 bytes in a nested message',
      '0a 0c 30 ffffffffffffffffffff01',
      'varint longer than 10 bytes at byte 3',
    ],
    ['a truncated varint', '0a 02 30 ff', 'truncated varint at byte 3'],
    ['a mismatched end-group', '3b 0801 44', 'mismatched end-group at byte 4'],
    ['an unterminated group', '3b 0801', 'unterminated group at byte 3'],
    ['a truncated fixed32', '55 0102', 'truncated: need 4 bytes at byte 1'],
    ['a length whose varint is cut', '0a', 'truncated varint at byte 1'],
  ])('rejects %s with the reader’s error', (_name, input, message) => {
    let error: unknown;
    try {
      walkAll(hex(input));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WireFormatError);
    expect((error as Error).message).toBe(message);
  });

  it('rejects tables that point nowhere', () => {
    expect(() => new WireWalker([[1, 1]])).toThrow(RangeError);
    expect(() => new WireWalker([[1, -4]])).toThrow(RangeError);
  });
});

/** `bytes` as the value of length-delimited field `field` (tag and length prefix included). */
function field(fieldNumber: number, bytes: Uint8Array): Uint8Array {
  const w = new ProtoWriter();
  w.tag(fieldNumber, 2).bytes(bytes);
  return w.finish();
}

/** The error message of `fn`, or undefined when it does not throw. */
function errorOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(WireFormatError);
    return (error as Error).message;
  }
}

/** The pick path's verdict on a ChatMessage payload: its error message, or undefined for a message. */
function pickError(payload: Uint8Array): string | undefined {
  const out = decodeEnvelope({ method: 'WebcastChatMessage', msgId: '1', payload } as wire.Message);
  if (out.kind === 'message') return undefined;
  expect(out.error.cause).toBeInstanceOf(WireFormatError);
  return (out.error.cause as Error).message;
}

describe('nesting limit', () => {
  // ChatMessage (level 1) → user (2, picked) → top_fans (field 45, walked) → top_fans ... : `fans` users below.
  const chatWithFans = (fans: number): Uint8Array => {
    let user: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < fans; i++) user = field(45, user);
    return field(2, user);
  };
  // ChatMessage → background_image (field 5, an Image, walked: level 2) → `groups` nested groups of field 9.
  const chatWithGroups = (groups: number): Uint8Array => field(5, hex('4b'.repeat(groups) + '4c'.repeat(groups)));

  it.each([
    ['users', chatWithFans, MAX_NESTING - 2],
    ['groups inside a walked message', chatWithGroups, MAX_NESTING - 2],
  ])('accepts %s up to the limit and rejects one level more, on both paths alike', (_name, build, deepest) => {
    const ok = build(deepest);
    expect(errorOf(() => decodeWire('ChatMessage', ok))).toBeUndefined();
    expect(pickError(ok)).toBeUndefined();
    const over = build(deepest + 1);
    const expected = errorOf(() => decodeWire('ChatMessage', over));
    expect(expected).toMatch(/^nesting deeper than 100 levels at byte \d+$/);
    expect(pickError(over)).toBe(expected);
  });

  it('rejects groups nested at the top level of a picked message the same way', () => {
    // ChatMessage (1) → groups of field 9 directly: 99 fit, 100 do not.
    const at = (groups: number) => hex('4b'.repeat(groups) + '4c'.repeat(groups));
    expect(pickError(at(MAX_NESTING - 1))).toBeUndefined();
    expect(pickError(at(MAX_NESTING))).toBe(errorOf(() => decodeWire('ChatMessage', at(MAX_NESTING))));
  });

  it('turns hostile nesting into a WireFormatError, not a stack overflow, on both paths', () => {
    const payload = chatWithFans(20_000);
    expect(errorOf(() => decodeWire('ChatMessage', payload))).toMatch(/^nesting deeper than/);
    expect(pickError(payload)).toMatch(/^nesting deeper than/);
  });
});

describe('generated walk tables', () => {
  let pool: wire.Message[] = [];
  beforeAll(async () => {
    pool = (await knownMethodSamples()).filter((m) => m.payload.length > 0);
  });

  it('fail with the full decoder’s error, at the same offset, on mutated payloads', () => {
    expect(pool.length).toBeGreaterThan(100);
    let failures = 0;
    fc.assert(
      fc.property(
        fc.nat(pool.length - 1),
        // Mostly single bit flips and byte changes (the walk gets deep before failing), sometimes a cut.
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.boolean()), { minLength: 1, maxLength: 3 }),
        fc.nat(),
        (which, edits, cut) => {
          const m = pool[which]!;
          const bytes = Uint8Array.from(m.payload);
          for (const [at, value, flip] of edits) {
            const i = at % bytes.length;
            bytes[i] = flip ? bytes[i]! ^ (1 << (value & 7)) : value;
          }
          const payload = cut % 8 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
          let expected: string | undefined;
          try {
            decodeWire(methodTypes[m.method as KnownMethod], payload);
          } catch (error) {
            expected = (error as Error).message;
          }
          const out = decodeEnvelope({ ...m, payload });
          const actual = out.kind === 'decode-failure' ? (out.error.cause as Error).message : undefined;
          expect(actual).toBe(expected);
          if (expected !== undefined) failures++;
        },
      ),
      { numRuns: 4000, seed: 7 },
    );
    // Both verdicts were exercised.
    expect(failures).toBeGreaterThan(400);
    expect(failures).toBeLessThan(3600);
  });
});
