// The per-frame inflater against zlib.gunzipSync: the same bytes for every member gunzipSync accepts, the same
// error for every member it rejects — except a wrong CRC-32, which the raw-deflate path does not compute (see
// pipeline/inflate.ts: TLS authenticates the bytes; a damaged recording still yields typed failures downstream).
// Every case runs twice: with Node's zlib on the raw-deflate path, and with @douyin-live/libdeflate's binding
// there when it is built on this machine (test/libdeflate/binding.test.ts says when it must be).
import { libdeflate } from '@douyin-live/libdeflate';
import fc from 'fast-check';
import { deflateRawSync, gunzipSync, gzipSync } from 'node:zlib';
import {
  gunzip,
  inflaterInUse,
  useNativeInflater,
  type NativeInflater,
} from '../../packages/core/src/pipeline/inflate.js';

type Outcome = { ok: Buffer } | { error: string };

function outcome(f: () => Uint8Array): Outcome {
  try {
    return { ok: Buffer.from(f()) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** Text that compresses like a Response: repeated keys and ids, some noise. */
function responseLike(seed: number, bytes: number): Buffer {
  const parts: string[] = [];
  let x = seed >>> 0 || 1;
  while (parts.join('').length < bytes) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    parts.push(`WebcastChatMessage${x % 97}https://p3.douyinpic.com/aweme/${x.toString(36)}~tplv.jpeg`);
  }
  return Buffer.from(parts.join('').slice(0, bytes));
}

/** A gzip member with the given header flag byte and optional fields, built by hand around a raw deflate body. */
function member(body: Buffer, flags: number, extra: Buffer = Buffer.alloc(0), crcOf: Buffer = body): Buffer {
  let header = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3]), extra]);
  if (flags & 0x02) {
    const hcrc = Buffer.alloc(2);
    hcrc.writeUInt16LE(crc32(header) & 0xffff, 0);
    header = Buffer.concat([header, hcrc]);
  }
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc32(crcOf), 0);
  trailer.writeUInt32LE(body.length, 4);
  return Buffer.concat([header, deflateRawSync(body), trailer]);
}

function crc32(data: Buffer): number {
  // The CRC-32 gzipSync writes, read back from a member of the same bytes.
  const gz = gzipSync(data);
  return gz.readUInt32LE(gz.length - 8);
}

const INFLATERS: [string, NativeInflater | null][] = [['zlib', null]];
if (libdeflate.available) INFLATERS.push([`libdeflate ${libdeflate.binding.libdeflateVersion}`, libdeflate.binding]);

describe.each(INFLATERS)('gunzip, plain members inflated by %s', (_name, binding) => {
  let before: NativeInflater | null;
  beforeAll(() => {
    before = useNativeInflater(binding);
  });
  afterAll(() => {
    useNativeInflater(before);
  });

  it('inflates what gzipSync makes to the same bytes as gunzipSync, from empty to 200 KB, at every level', () => {
    for (const size of [0, 1, 17, 1000, 4096, 18_300, 65_537, 200_000]) {
      for (const level of [0, 1, 6, 9]) {
        const gz = gzipSync(responseLike(size + level, size), { level });
        expect(Buffer.from(gunzip(gz)).equals(gunzipSync(gz))).toBe(true);
      }
    }
  });

  it('inflates the empty gzip member the server sends with heartbeat answers', () => {
    const hb = Buffer.from('1f8b08000000000000ff000000ffff010000ffff0000000000000000', 'hex');
    expect(gunzip(hb)).toHaveLength(0);
  });

  it('takes members with header fields (FNAME, FEXTRA, FCOMMENT, FHCRC) through the checked path', () => {
    const body = responseLike(7, 5000);
    const named = member(body, 0x08, Buffer.from('frame.bin\0'));
    const extra = member(body, 0x04, Buffer.from([4, 0, 0x41, 0x42, 0x02, 0x00]));
    const text = member(body, 0x01);
    const headerCrc = member(body, 0x02 | 0x10, Buffer.from('a comment\0'));
    for (const gz of [named, extra, text, headerCrc])
      expect(outcome(() => gunzip(gz))).toEqual(outcome(() => gunzipSync(gz)));
    for (const gz of [named, extra, text, headerCrc]) expect(outcome(() => gunzip(gz))).toEqual({ ok: body });
    // A CRC mismatch is still caught for such members (they do not take the raw path).
    const badCrc = member(body, 0x08, Buffer.from('x\0'), responseLike(8, 5000));
    expect(outcome(() => gunzip(badCrc))).toEqual(outcome(() => gunzipSync(badCrc)));
    expect(outcome(() => gunzip(badCrc))).toHaveProperty('error');
  });

  it('gives gunzipSync results and errors for concatenated members, trailing bytes, wrong sizes and truncation', () => {
    const a = gzipSync(responseLike(1, 3000));
    const b = gzipSync(responseLike(2, 2000));
    const wrongSize = Buffer.from(a);
    wrongSize.writeUInt32LE(2999, wrongSize.length - 4);
    const cases = [
      Buffer.concat([a, b]),
      Buffer.concat([a, Buffer.from([0, 0, 0, 0])]),
      Buffer.concat([a, Buffer.from('garbage!')]),
      wrongSize,
      a.subarray(0, a.length - 1),
      a.subarray(0, a.length - 9),
      a.subarray(0, 20),
      Buffer.from([0x1f, 0x8b, 9, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ];
    for (const gz of cases) expect(outcome(() => gunzip(gz))).toEqual(outcome(() => gunzipSync(gz)));
    // And it still works after those errors.
    expect(Buffer.from(gunzip(a)).equals(gunzipSync(a))).toBe(true);
  });

  it('does not compute the CRC-32: a member whose only fault is its checksum inflates to its bytes', () => {
    const body = responseLike(3, 4000);
    const gz = gzipSync(body);
    gz[gz.length - 8]! ^= 0xff;
    expect(outcome(() => gunzipSync(gz))).toEqual({ error: 'incorrect data check' });
    expect(outcome(() => gunzip(gz))).toEqual({ ok: body });
  });

  it('on mutated members: gunzipSync’s outcome, or the inflated bytes where only the checksum disagrees', () => {
    const seeds = [gzipSync(responseLike(4, 6000)), gzipSync(responseLike(5, 300), { level: 1 })];
    fc.assert(
      fc.property(
        fc.constantFrom(...seeds),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (seed, edits) => {
          const gz = Buffer.from(seed);
          for (const [at, value] of edits) gz[at % gz.length] = value;
          const ours = outcome(() => gunzip(gz));
          const theirs = outcome(() => gunzipSync(gz));
          if ('error' in theirs && theirs.error === 'incorrect data check' && 'ok' in ours) {
            // The raw path accepted it: exactly the trailer's size, from a deflate stream that ended at the trailer.
            expect(ours.ok.length).toBe(gz.readUInt32LE(gz.length - 4));
          } else {
            expect(ours).toEqual(theirs);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('the native inflater seam', () => {
  let before: NativeInflater | null;
  beforeEach(() => {
    before = useNativeInflater(null);
  });
  afterEach(() => {
    useNativeInflater(before);
  });

  /** A binding that records its calls and answers with `answer` (writing `fill` into the output first). */
  function fake(answer: (outLength: number) => number, fill = 0x58) {
    const calls: [number, number, number][] = [];
    const binding: NativeInflater = {
      libdeflateVersion: 'fake',
      inflateRawInto(input, inOffset, inLength, output, outLength) {
        calls.push([input.length, inOffset, inLength]);
        output.fill(fill, 0, outLength);
        expect(output.length).toBeGreaterThanOrEqual(outLength);
        return answer(outLength);
      },
    };
    return { binding, calls };
  }

  it('gives a plain member to the binding, between header and trailer, with one spare byte of output room', () => {
    const gz = gzipSync(responseLike(9, 2500));
    const { binding, calls } = fake((room) => room - 1);
    useNativeInflater(binding);
    expect(inflaterInUse()).toEqual({ name: 'libdeflate', version: 'fake' });
    // The binding's bytes are what comes out: the zlib path did not run.
    expect(outcome(() => gunzip(gz))).toEqual({ ok: Buffer.alloc(2500, 0x58) });
    expect(calls).toEqual([[gz.length, 10, gz.length - 18]]);
  });

  it('takes a member the binding does not accept (-1, or another size) through the checked path', () => {
    const body = responseLike(10, 3000);
    const gz = gzipSync(body);
    for (const answer of [() => -1, (room: number) => room, (room: number) => room - 2]) {
      const { binding, calls } = fake(answer);
      useNativeInflater(binding);
      expect(outcome(() => gunzip(gz))).toEqual({ ok: body });
      expect(calls).toHaveLength(1);
    }
    // The checked path still rejects what gunzipSync rejects after the binding declined.
    const truncated = gz.subarray(0, gz.length - 3);
    useNativeInflater(fake(() => -1).binding);
    expect(outcome(() => gunzip(truncated))).toEqual(outcome(() => gunzipSync(truncated)));
  });

  it('never gives the binding a member with header fields', () => {
    const { binding, calls } = fake(() => -1);
    useNativeInflater(binding);
    const body = responseLike(11, 1000);
    expect(outcome(() => gunzip(member(body, 0x08, Buffer.from('a.bin\0'))))).toEqual({ ok: body });
    expect(calls).toEqual([]);
  });

  it('says zlib, and why, once the binding is taken away', () => {
    useNativeInflater(fake(() => -1).binding);
    useNativeInflater(null);
    expect(inflaterInUse()).toEqual({ name: 'zlib', reason: 'useNativeInflater(null)' });
  });
});
