import fc from 'fast-check';
import { DouyinLiveError, ErrorCodes } from '../../packages/core/src/errors.js';
import { decodeFrame, decodeFrames } from '../../packages/core/src/pipeline/decodeFrames.js';
import type { DecodedFrame, DecodeFailure } from '../../packages/core/src/pipeline/types.js';
import { FrameHeader, PayloadType } from '../../packages/core/src/protocol/constants.js';
import { decodeWire, encodeWire } from '../../packages/core/src/wire/codec.js';
import { encodeFrame } from '@douyin-live/testing';
import { testScheduler } from '../helpers/scheduler.js';

describe('decodeFrames', () => {
  it('decodes PushFrames and turns garbage into a failure value without ending the stream', () => {
    const good = encodeFrame({ response: { cursor: 'c1' }, logId: '42', seqId: '7' });
    const garbage = Uint8Array.of(0xff, 0xff, 0xff);
    testScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('a-b-a|', { a: good, b: garbage }).pipe(decodeFrames());
      expectObservable(out$).toBe('a-b-c|', {
        a: expect.objectContaining({ kind: 'frame', logId: '42', seqId: '7', payloadType: 'msg' }),
        b: expect.objectContaining({
          kind: 'decode-failure',
          stage: 'frame',
          error: expect.objectContaining({ code: 'FRAME_DECODE_FAILED', context: { bytes: garbage } }),
        }),
        c: expect.objectContaining({ kind: 'frame', logId: '42' }),
      });
    });
  });

  it('exposes headers as a map', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const frame = encodeFrame({ response: { cursor: 'cur', internalExt: 'ext' }, headers: { 'im-now': '1' } });
      expectObservable(cold('a|', { a: frame }).pipe(decodeFrames())).toBe('a|', {
        a: expect.objectContaining({
          headers: expect.objectContaining({
            compress_type: 'gzip',
            'im-cursor': 'cur',
            'im-internal_ext': 'ext',
            'im-now': '1',
          }),
        }),
      });
    });
  });
});

// The decode before the one-pass reader: the generated PushFrame decoder, then its headers copied into a record.
function reference(bytes: Uint8Array): DecodedFrame | DecodeFailure {
  try {
    const raw = decodeWire('PushFrame', bytes);
    const headers: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const h of raw.headers) headers[h.key] = h.value;
    return {
      kind: 'frame',
      logId: raw.logId,
      seqId: raw.seqId,
      payloadType: raw.payloadType,
      headers,
      payload: raw.payload,
      raw,
    };
  } catch (cause) {
    return {
      kind: 'decode-failure',
      stage: 'frame',
      error: new DouyinLiveError(
        ErrorCodes.FRAME_DECODE_FAILED,
        `not a PushFrame: ${(cause as Error).message}`,
        { bytes },
        { cause },
      ),
    };
  }
}

/** Asserts that decodeFrame(bytes) is what the reference decode gives: values, key order, prototypes, errors. */
function expectSameAsReference(bytes: Uint8Array): void {
  const got = decodeFrame(bytes);
  const want = reference(bytes);
  if (want.kind === 'decode-failure') {
    expect(got.kind).toBe('decode-failure');
    const failure = got as DecodeFailure;
    expect(failure.stage).toBe('frame');
    expect(failure.error.code).toBe(want.error.code);
    expect(failure.error.message).toBe(want.error.message);
    expect(failure.error.context).toEqual({ bytes });
    expect(failure.error.context.bytes).toBe(bytes);
    expect((failure.error.cause as Error).message).toBe((want.error.cause as Error).message);
    return;
  }
  expect(got.kind).toBe('frame');
  const frame = got as DecodedFrame;
  expect(Object.keys(frame)).toEqual(Object.keys(want));
  expect(frame).toStrictEqual(want);
  expect(Object.getPrototypeOf(frame.headers)).toBeNull();
  expect(Object.keys(frame.headers)).toEqual(Object.keys(want.headers));
  // raw is the generated decoder's object: same own fields, same prototypes (defaults), same header objects.
  expect(Object.keys(frame.raw)).toEqual(Object.keys(want.raw));
  expect(Object.getPrototypeOf(frame.raw)).toBe(Object.getPrototypeOf(want.raw));
  expect(Object.prototype.hasOwnProperty.call(frame.raw, 'headers')).toBe(want.raw.headers.length > 0);
  frame.raw.headers.forEach((h, i) => {
    expect(Object.keys(h)).toEqual(Object.keys(want.raw.headers[i]!));
    expect(Object.getPrototypeOf(h)).toBe(Object.getPrototypeOf(want.raw.headers[i]!));
  });
  // The payload is the same view: into the input, or the shared empty default.
  expect(frame.payload.buffer === want.payload.buffer).toBe(true);
  expect(frame.payload.byteOffset).toBe(want.payload.byteOffset);
}

const KEYS = [...Object.values(FrameHeader), '__proto__', 'constructor', '', '7', 'im-nox', 'im-cursoR', '头'];
const header = fc.record(
  {
    key: fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 20 })),
    value: fc.string({ unit: 'binary', maxLength: 60 }),
  },
  { requiredKeys: [] },
);
const pushFrame = fc.record(
  {
    seqId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String),
    logId: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String),
    service: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    method: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    headers: fc.array(header, { maxLength: 7 }),
    payloadEncoding: fc.oneof(fc.constantFrom('pb', 'pB', 'json'), fc.string({ maxLength: 4 })),
    payloadType: fc.oneof(fc.constantFrom(...Object.values(PayloadType), 'acks', 'ms'), fc.string({ maxLength: 5 })),
    payload: fc.uint8Array({ maxLength: 40 }),
    logIdNew: fc.string({ maxLength: 8 }),
  },
  { requiredKeys: [] },
);
// Whole fields the generated encoder never writes: unknown numbers of every wire type, a group, known numbers with
// the wrong wire type, a header with an unknown field.
const oddField = fc.constantFrom(
  Uint8Array.of(0x50, 0x01),
  Uint8Array.of(0x59, 1, 2, 3, 4, 5, 6, 7, 8),
  Uint8Array.of(0x5d, 1, 2, 3, 4),
  Uint8Array.of(0x62, 0x02, 0x61, 0x62),
  Uint8Array.of(0x63, 0x08, 0x01, 0x64),
  Uint8Array.of(0x0a, 0x01, 0x31),
  Uint8Array.of(0x11, 1, 2, 3, 4, 5, 6, 7, 8),
  Uint8Array.of(0x2a, 0x04, 0x18, 0x01, 0x0a, 0x00),
  Uint8Array.of(0x2a, 0x06, 0x0a, 0x02, 0x68, 0x62, 0x20, 0x05),
  Uint8Array.of(0x2a, 0x02, 0x12, 0x00),
  Uint8Array.of(0x3a, 0x03, 0x61, 0x63, 0x6b),
  Uint8Array.of(0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f),
);

describe('decodeFrame, against the generated decoder', () => {
  it('reads every field the schema gives PushFrame and PushHeader (it reads them by hand: update it with the schema)', () => {
    const empty = decodeWire('PushFrame', Uint8Array.of(0x2a, 0x00));
    expect(Object.keys(Object.getPrototypeOf(empty) as object)).toEqual([
      'seqId',
      'logId',
      'service',
      'method',
      'headers',
      'payloadEncoding',
      'payloadType',
      'payload',
      'logIdNew',
    ]);
    expect(Object.keys(Object.getPrototypeOf(empty.headers[0]) as object)).toEqual(['key', 'value']);
  });

  it('gives the same frame (values, key order, prototypes of raw and headers) for any PushFrame', () => {
    fc.assert(
      fc.property(pushFrame, fc.array(fc.tuple(fc.nat(), oddField), { maxLength: 3 }), (init, odd) => {
        const bytes = encodeWire('PushFrame', init);
        expectSameAsReference(bytes);
        // The same fields with odd ones spliced in at field boundaries is still a PushFrame (or the same failure).
        const fields = splitFields(bytes);
        for (const [at, field] of odd) fields.splice(at % (fields.length + 1), 0, field);
        expectSameAsReference(Buffer.concat(fields));
      }),
      { numRuns: 400, seed: 41 },
    );
  });

  it('fails with the same FRAME_DECODE_FAILED message on mutated, truncated and random bytes', () => {
    fc.assert(
      fc.property(
        pushFrame,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat({ max: 30 }),
        (init, edits, cut) => {
          const copy = Uint8Array.from(encodeWire('PushFrame', init));
          for (const [at, value] of edits) if (copy.length > 0) copy[at % copy.length] = value;
          expectSameAsReference(copy.subarray(0, Math.max(0, copy.length - cut)));
        },
      ),
      { numRuns: 600, seed: 42 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => expectSameAsReference(bytes)),
      { numRuns: 400, seed: 43 },
    );
  });

  it('reads known header keys and payload types only when all their bytes match, and in bounds', () => {
    const key = Buffer.from(FrameHeader.INTERNAL_EXT);
    const cases = [
      // A known key with one byte changed, then as the very last bytes of the input (the length one short).
      Buffer.concat([
        Uint8Array.of(0x2a, key.length + 2 + 3, 0x0a, key.length),
        key.map((b, i) => (i === 5 ? 0x5f : b)),
        Uint8Array.of(0x12, 1, 0x78),
      ]),
      Buffer.concat([Uint8Array.of(0x2a, key.length + 2, 0x0a, key.length), key.subarray(0, -1)]),
      Buffer.concat([Uint8Array.of(0x2a, key.length + 2, 0x0a, key.length + 1), key]),
      // A key of invalid UTF-8 the length of a known one; a payload type with a prefix of 'close'.
      Uint8Array.of(0x2a, 0x08, 0x0a, 0x06, 0x69, 0x6d, 0x2d, 0xff, 0x6f, 0x77),
      Uint8Array.of(0x3a, 0x04, 0x63, 0x6c, 0x6f, 0x73, 0x40, 0x00),
      Uint8Array.of(0x32, 0x02, 0x70),
    ];
    for (const bytes of cases) expectSameAsReference(bytes);
    expect(decodeFrame(cases[0]!)).toMatchObject({ kind: 'frame', headers: { 'im-in_ernal_ext': 'x' } });
  });
});

/** The top-level fields of a PushFrame the generated encoder wrote, each as its own bytes. */
function splitFields(bytes: Uint8Array): Uint8Array[] {
  const fields: Uint8Array[] = [];
  let pos = 0;
  const varint = () => {
    let v = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
    }
  };
  while (pos < bytes.length) {
    const start = pos;
    const tag = varint();
    const n = varint(); // a value, or a length (read before pos moves past it)
    if ((tag & 7) !== 0) pos += n;
    fields.push(bytes.subarray(start, pos));
  }
  return fields;
}
