import fc from 'fast-check';
import { of } from 'rxjs';
import { ackFor, ackWith } from '../../packages/core/src/pipeline/ackWith.js';
import { decodeFrame } from '../../packages/core/src/pipeline/decodeFrames.js';
import type { DecodedFrame, InboundResponse } from '../../packages/core/src/pipeline/types.js';
import { unpackResponse } from '../../packages/core/src/pipeline/unpackResponses.js';
import { decodeWire, encodeFrame } from '@douyin-live/testing';
import { encodeWire } from '../../packages/core/src/wire/codec.js';
import { testScheduler } from '../helpers/scheduler.js';

const inbound = (spec: Parameters<typeof encodeFrame>[0]) =>
  unpackResponse(decodeFrame(encodeFrame(spec)) as DecodedFrame) as InboundResponse;

describe('ackWith', () => {
  it('acks a needAck frame with its logId and the im-internal_ext header value', () => {
    const sent: Uint8Array[] = [];
    const item = inbound({
      logId: '7300000000000000123',
      response: { needAck: true, internalExt: 'from-body' },
      headers: { 'im-internal_ext': 'from-header' },
    });
    of(item)
      .pipe(ackWith((b) => sent.push(b)))
      .subscribe();
    expect(sent).toHaveLength(1);
    const ack = decodeWire('PushFrame', sent[0]!);
    expect(ack.logId).toBe('7300000000000000123');
    expect(ack.payloadType).toBe('ack');
    expect(Buffer.from(ack.payload).toString()).toBe('from-header');
  });

  it('falls back to Response.internal_ext without the header', () => {
    const sent: Uint8Array[] = [];
    const spec = { logId: '9', response: { needAck: true, internalExt: 'body-ext' } };
    const frame = decodeFrame(encodeFrame(spec)) as DecodedFrame;
    const noHeader: DecodedFrame = { ...frame, headers: {} };
    of(unpackResponse(noHeader) as InboundResponse)
      .pipe(ackWith((b) => sent.push(b)))
      .subscribe();
    expect(Buffer.from(decodeWire('PushFrame', sent[0]!).payload).toString()).toBe('body-ext');
  });

  it('sends nothing when needAck is false, and passes every item through unchanged, in time', () => {
    const sent: Uint8Array[] = [];
    const a = inbound({ response: { needAck: false } });
    const b = inbound({ response: { needAck: true, internalExt: 'e' } });
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|', { a, b }).pipe(ackWith((x) => sent.push(x)))).toBe('a-b|', { a, b });
    });
    expect(sent).toHaveLength(1);
  });
});

describe('ackFor bytes', () => {
  it('are exactly what the generated PushFrame encoder writes, for any log id and internal_ext', () => {
    const logIds = fc.oneof(
      fc.constantFrom('0', '1', '127', '128', '16383', '16384', '4294967295', '4294967296', '18446744073709551615'),
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String),
    );
    fc.assert(
      fc.property(logIds, fc.string({ unit: 'grapheme', maxLength: 300 }), (logId, ext) => {
        const frame = decodeFrame(encodeWire('PushFrame', { logId, payloadType: 'msg', payload: new Uint8Array(1) }));
        if (frame.kind !== 'frame') throw frame.error;
        const ack = ackFor({
          kind: 'response',
          frame,
          response: decodeWire('Response', encodeWire('Response', { needAck: true, internalExt: ext })),
        });
        const expected = encodeWire('PushFrame', { logId, payloadType: 'ack', payload: new TextEncoder().encode(ext) });
        expect(Buffer.from(ack!).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});

describe('ackFor bytes, from decoded frames', () => {
  const oddLogIds = fc.oneof(
    fc.constantFrom(
      '1',
      '127',
      '128',
      '9007199254740991',
      '9007199254740993',
      '4901453207607420737',
      '18446744073709551615',
    ),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map(String),
  );
  // unit 'binary' includes lone surrogates and astral characters: the header value decodes from their UTF-8 form.
  const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }));

  it('equal encodeWire for frames with and without the im-internal_ext header, any log id and text', () => {
    fc.assert(
      fc.property(oddLogIds, fc.option(text, { nil: undefined }), text, (logId, headerExt, bodyExt) => {
        const headers = [{ key: 'im-now', value: '1790519971336' }];
        if (headerExt !== undefined) headers.push({ key: 'im-internal_ext', value: headerExt });
        const bytes = encodeWire('PushFrame', { logId, headers, payloadType: 'msg', payload: new Uint8Array(1) });
        const frame = decodeFrame(bytes) as DecodedFrame;
        const ack = ackFor({ kind: 'response', frame, response: { needAck: true, internalExt: bodyExt } as never });
        const ext = frame.headers['im-internal_ext'] ?? bodyExt;
        const expected = encodeWire('PushFrame', { logId, payloadType: 'ack', payload: Buffer.from(ext, 'utf8') });
        expect(Buffer.from(ack!).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
      }),
      { numRuns: 500, seed: 12 },
    );
  });

  it('read a log id that is not plain digits as BigInt does, and throw where it throws', () => {
    const frame = decodeFrame(encodeWire('PushFrame', { logId: '5', payloadType: 'msg' })) as DecodedFrame;
    const ackOf = (logId: string) =>
      ackFor({ kind: 'response', frame: { ...frame, logId }, response: { needAck: true, internalExt: 'é' } as never });
    for (const logId of [
      '',
      '0',
      '00012',
      ' 12 ',
      '+7',
      '0x1f',
      '-1',
      '18446744073709551616',
      '99999999999999999999',
      '123456789012345678901234',
    ]) {
      const value = String(BigInt.asUintN(64, BigInt(logId)));
      const expected = encodeWire('PushFrame', { logId: value, payloadType: 'ack', payload: Buffer.from('é') });
      expect([logId, Buffer.from(ackOf(logId)!).toString('hex')]).toEqual([
        logId,
        Buffer.from(expected).toString('hex'),
      ]);
    }
    for (const logId of ['abc', '1.5', '1e3', '12a']) expect(() => ackOf(logId)).toThrow(SyntaxError);
  });
});
