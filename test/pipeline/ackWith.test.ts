import { of } from 'rxjs';
import { ackWith } from '../../packages/core/src/pipeline/ackWith.js';
import { decodeFrame } from '../../packages/core/src/pipeline/decodeFrames.js';
import type { DecodedFrame, InboundResponse } from '../../packages/core/src/pipeline/types.js';
import { unpackResponse } from '../../packages/core/src/pipeline/unpackResponses.js';
import { decodeWire, encodeFrame } from '@douyin-live/testing';
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
