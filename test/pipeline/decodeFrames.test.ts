import { decodeFrames } from '../../packages/core/src/pipeline/decodeFrames.js';
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
