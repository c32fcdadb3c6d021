import fc from 'fast-check';
import { ProtoReader, unsignedToString, WireFormatError } from '../packages/core/src/wire/reader.js';
import { ProtoWriter } from '../packages/core/src/wire/writer.js';
import { decodeWire, encodeWire } from '../packages/core/src/wire/codec.js';

const hex = (h: string) => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

describe('wire reader', () => {
  it('reads 64-bit varints as exact decimal strings, beyond 2^53', () => {
    for (const value of [
      '0',
      '1',
      '127',
      '128',
      '300',
      '4294967295',
      '4294967296',
      '9007199254740993',
      '7035381540209775628',
      '18446744073709551615',
    ]) {
      const bytes = new ProtoWriter().uint64(value).finish();
      expect(new ProtoReader(bytes).uint64()).toBe(value);
    }
  });

  it('reads signed and zigzag 64-bit values', () => {
    expect(new ProtoReader(new ProtoWriter().int64('-1').finish()).int64()).toBe('-1');
    expect(new ProtoReader(new ProtoWriter().int64('-9223372036854775808').finish()).int64()).toBe(
      '-9223372036854775808',
    );
    expect(new ProtoReader(new ProtoWriter().sint64('-5').finish()).sint64()).toBe('-5');
    expect(new ProtoReader(new ProtoWriter().int32(-2).finish()).int32()).toBe(-2);
    expect(new ProtoReader(new ProtoWriter().sint32(-7).finish()).sint32()).toBe(-7);
  });

  it('decodes the real heartbeat frame bytes (3a 02 68 62)', () => {
    expect(decodeWire('PushFrame', hex('3a026862')).payloadType).toBe('hb');
  });

  it('reads strings: ASCII, multi-byte UTF-8, long', () => {
    for (const s of ['', 'hb', '用户逍遥狼', 'a'.repeat(100), '小***', '😀 emoji']) {
      expect(new ProtoReader(new ProtoWriter().string(s).finish()).string()).toBe(s);
    }
  });

  it.each([
    ['truncated varint', '08'],
    ['varint longer than 10 bytes', '08 ffffffffffffffffffff01'],
    ['length past the end', '3a 05 6862'],
    ['invalid wire type 7', '0f'],
    ['invalid wire type 6', '0e 00'],
    ['field number 0', '00 00'],
    ['truncated fixed64', '09 0102'],
  ])('rejects %s with a WireFormatError', (_name, input) => {
    expect(() => decodeWire('PushFrame', hex(input))).toThrow(WireFormatError);
  });

  it('rejects a nested message that overruns its declared length', () => {
    // Response.messages (field 1) declares 2 bytes but its inner string claims 5.
    expect(() => decodeWire('Response', hex('0a 02 0a05 6162636465'))).toThrow(WireFormatError);
  });

  it('skips unknown fields of every wire type, and known fields arriving with another wire type', () => {
    // field 99 varint, field 98 fixed64, field 97 bytes, field 96 fixed32, group 95, then payload_type "hb";
    // payload_type (7) also arrives once as a varint, which is skipped as the spec asks.
    const w = new ProtoWriter();
    w.tag(99, 0).uint64('123456789012');
    w.tag(98, 1).fixed64('1');
    w.tag(97, 2).string('x');
    w.tag(96, 5).fixed32(1);
    w.tag(95, 3).tag(1, 0).uint32(5).tag(95, 4);
    w.tag(7, 0).uint32(1);
    w.tag(7, 2).string('hb');
    expect(decodeWire('PushFrame', w.finish()).payloadType).toBe('hb');
  });

  it('round-trips through the generated encoder, omitting defaults', () => {
    const frame = {
      logId: '7035381540209775628',
      payloadType: 'msg',
      headers: [{ key: 'compress_type', value: 'gzip' }],
      payload: Uint8Array.of(1, 2, 3),
    };
    const decoded = decodeWire('PushFrame', encodeWire('PushFrame', frame));
    expect(decoded).toMatchObject({ ...frame, seqId: '0', service: 0 });
    expect(encodeWire('PushFrame', {})).toHaveLength(0);
  });

  it('decodes maps and packed repeated fields', () => {
    const bytes = encodeWire('Response', { routeParams: { a: '1', b: '2' }, messages: [{ method: 'M', msgId: '5' }] });
    const r = decodeWire('Response', bytes);
    expect({ ...r.routeParams }).toEqual({ a: '1', b: '2' });
    expect(r.messages[0]).toMatchObject({ method: 'M', msgId: '5' });
  });
});

describe('64-bit printing', () => {
  it('prints every unsigned 64-bit value exactly, as BigInt does', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        const bytes = new ProtoWriter().uint64(v).finish();
        expect(new ProtoReader(bytes).uint64()).toBe(v.toString());
      }),
      { numRuns: 5000, seed: 11 },
    );
    for (const hi of [0x1fffff, 0x200000, 0xffffff, 0x1000000, 0x7fffffff, 0x80000000, 0xffffffff])
      for (const lo of [0, 1, 0xffffff, 0x1000000, 0xffffffff]) {
        const v = (BigInt(hi) << 32n) | BigInt(lo);
        expect(unsignedToString(lo, hi)).toBe(v.toString());
      }
    // Around every power of ten a 64-bit value can reach (the digit count and the base-10^7 carries change there).
    for (let k = 16n; k <= 19n; k++)
      for (const d of [-1n, 0n, 1n]) {
        const v = 10n ** k + d;
        expect(unsignedToString(Number(v & 0xffffffffn), Number(v >> 32n))).toBe(v.toString());
      }
  });

  it('hands back the same text for repeated short ASCII strings, and decodes the rest as before', () => {
    const w = new ProtoWriter();
    for (const s of ['WebcastChatMessage', 'WebcastChatMessage', 'a', '', 'x'.repeat(32), 'é', '用户', 'ab\u0000c'])
      w.string(s);
    const r = new ProtoReader(w.finish());
    const out: string[] = [];
    while (r.pos < r.len) out.push(r.string());
    expect(out).toEqual([
      'WebcastChatMessage',
      'WebcastChatMessage',
      'a',
      '',
      'x'.repeat(32),
      'é',
      '用户',
      'ab\u0000c',
    ]);
  });

  it('reads every varint as a reference decoder does: value mod 2^64, end position, errors near the end', () => {
    /** The varint at the start of `bytes`, by the spec: at most 10 bytes, the value taken mod 2^64. */
    const reference = (bytes: Uint8Array): { value: string; pos: number } | string => {
      let value = 0n;
      for (let i = 0; i < Math.min(bytes.length, 10); i++) {
        value |= BigInt(bytes[i]! & 0x7f) << BigInt(7 * i);
        if (bytes[i]! < 0x80) return { value: BigInt.asUintN(64, value).toString(), pos: i + 1 };
      }
      return bytes.length >= 10 ? 'varint longer than 10 bytes at byte 0' : 'truncated varint at byte 0';
    };
    // Mostly continuation bytes, so long and cut varints are common; up to 14 bytes so both paths run.
    const byte = fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0xff }));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 14 }), (list) => {
        const bytes = Uint8Array.from(list);
        const expected = reference(bytes);
        const r = new ProtoReader(bytes);
        try {
          const value = r.uint64();
          expect({ value, pos: r.pos }).toEqual(expected);
        } catch (error) {
          expect(error).toBeInstanceOf(WireFormatError);
          expect((error as Error).message).toBe(expected);
        }
      }),
      { numRuns: 5000, seed: 5 },
    );
  });

  it('decodes any bytes as a string exactly as Buffer#toString does: valid UTF-8 of every width, invalid sequences as U+FFFD', () => {
    // Byte runs built from valid characters of 1-4 bytes and the invalid sequences a decoder must replace (stray
    // continuations, overlong forms, surrogates, lead bytes F5-FF, sequences cut short), at lengths around the
    // decoder's thresholds (32-byte intern table, 256-byte JS path) and with ASCII before the first wide byte.
    const valid = fc
      .oneof(
        fc.integer({ min: 0, max: 0x7f }),
        fc.integer({ min: 0x80, max: 0x7ff }),
        fc.integer({ min: 0x800, max: 0xffff }).filter((c) => c < 0xd800 || c > 0xdfff),
        fc.integer({ min: 0x10000, max: 0x10ffff }),
      )
      .map((c) => [...Buffer.from(String.fromCodePoint(c), 'utf8')]);
    const invalid = fc.constantFrom(
      [0x80],
      [0xbf],
      [0xc0, 0x80],
      [0xc1, 0xbf],
      [0xe0, 0x80, 0x80],
      [0xe0, 0x9f, 0xbf],
      [0xed, 0xa0, 0x80],
      [0xed, 0xbf, 0xbf],
      [0xf0, 0x8f, 0xbf, 0xbf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xf5, 0x80, 0x80, 0x80],
      [0xff],
      [0xe4, 0xbd],
      [0xf0, 0x9f, 0x98],
      [0xc3],
    );
    const run = fc
      .tuple(
        fc.nat({ max: 40 }),
        fc.array(fc.oneof({ arbitrary: valid, weight: 8 }, { arbitrary: invalid, weight: 1 }), { maxLength: 120 }),
      )
      .map(([ascii, parts]) => Uint8Array.from([...Array<number>(ascii).fill(0x61), ...parts.flat()]));
    fc.assert(
      fc.property(fc.array(run, { minLength: 1, maxLength: 20 }), (runs) => {
        const w = new ProtoWriter();
        for (const bytes of runs) w.bytes(bytes);
        const r = new ProtoReader(w.finish());
        for (const bytes of runs) expect(r.string()).toBe(Buffer.from(bytes).toString('utf8'));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('decodes short strings exactly while the intern table fills, collides and is overwritten', () => {
    // Thousands of distinct short strings (more than the table's slots) mixed with repeats and non-ASCII ones.
    const text = fc.oneof(
      fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 33 }),
      fc.constantFrom('WebcastChatMessage', 'compress_type', 'gzip', ''),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 3000 }), (strings) => {
        const w = new ProtoWriter();
        for (const s of strings) w.string(s);
        const r = new ProtoReader(w.finish());
        const out: string[] = [];
        while (r.pos < r.len) out.push(r.string());
        expect(out).toEqual(strings.map((s) => Buffer.from(s, 'utf8').toString('utf8')));
      }),
      { numRuns: 30, seed: 3 },
    );
  });
});
