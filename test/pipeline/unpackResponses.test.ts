import { gzipSync } from 'node:zlib';
import { decodeFrame } from '../../packages/core/src/pipeline/decodeFrames.js';
import type { DecodedFrame } from '../../packages/core/src/pipeline/types.js';
import { unpackResponse, unpackResponses } from '../../packages/core/src/pipeline/unpackResponses.js';
import { encodeFrame, encodeResponse } from '@douyin-live/testing';
import { testScheduler } from '../helpers/scheduler.js';

const frameOf = (bytes: Uint8Array) => decodeFrame(bytes) as DecodedFrame;

describe('unpackResponses', () => {
  it('gunzips by magic bytes whatever the header says, and decodes plain payloads too', () => {
    const gz = frameOf(encodeFrame({ response: { cursor: 'gz' }, headers: { compress_type: 'none' } }));
    const plain = frameOf(
      encodeFrame({ response: { cursor: 'plain' }, gzip: false, headers: { compress_type: 'gzip' } }),
    );
    expect(unpackResponse(gz)).toMatchObject({ kind: 'response', response: { cursor: 'gz' } });
    expect(unpackResponse(plain)).toMatchObject({ kind: 'response', response: { cursor: 'plain' } });
  });

  it('decodes the real empty-gzip heartbeat answer as an empty Response', () => {
    const payload = Uint8Array.from(Buffer.from('1f8b08000000000000ff000000ffff010000ffff0000000000000000', 'hex'));
    const hb = frameOf(encodeFrame({ payload, gzip: false, payloadType: 'hb' }));
    const out = unpackResponse(hb);
    expect(out).toMatchObject({ kind: 'response' });
    expect(out.kind === 'response' && out.response?.messages).toEqual([]);
  });

  it('passes frames without a Response through with response undefined', () => {
    const close = frameOf(encodeFrame({ payloadType: 'close', gzip: false }));
    expect(unpackResponse(close)).toEqual({ kind: 'response', frame: close, response: undefined });
  });

  it('reports truncated gzip and undecodable Responses as failure values with the payload', () => {
    const full = gzipSync(encodeResponse({ cursor: 'x'.repeat(50) }));
    const truncated = frameOf(encodeFrame({ payload: full.subarray(0, full.length - 6), gzip: false }));
    const bad = frameOf(encodeFrame({ payload: Uint8Array.of(0x0f), gzip: true }));
    expect(unpackResponse(truncated)).toMatchObject({
      kind: 'decode-failure',
      stage: 'gzip',
      error: { code: 'GZIP_FAILED' },
    });
    expect(unpackResponse(bad)).toMatchObject({
      kind: 'decode-failure',
      stage: 'response',
      error: { code: 'RESPONSE_DECODE_FAILED' },
    });
  });

  it('keeps going after a failure', () => {
    const good = frameOf(encodeFrame({ response: { cursor: 'ok' } }));
    const bad = frameOf(encodeFrame({ payload: Uint8Array.of(0x1f, 0x8b, 0, 0), gzip: false }));
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-a|', { a: good, b: bad }).pipe(unpackResponses())).toBe('a-b-a|', {
        a: expect.objectContaining({ kind: 'response', response: expect.objectContaining({ cursor: 'ok' }) }),
        b: expect.objectContaining({ kind: 'decode-failure', stage: 'gzip' }),
      });
    });
  });
});
