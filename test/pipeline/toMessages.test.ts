import { decodeFrame } from '../../packages/core/src/pipeline/decodeFrames.js';
import { toMessages } from '../../packages/core/src/pipeline/toMessages.js';
import type { DecodedFrame, DecodeFailure } from '../../packages/core/src/pipeline/types.js';
import { unpackResponse } from '../../packages/core/src/pipeline/unpackResponses.js';
import { DouyinLiveError } from '../../packages/core/src/errors.js';
import { encodeFrame, messageFactory } from '@douyin-live/testing';
import { testScheduler } from '../helpers/scheduler.js';

describe('toMessages', () => {
  it('flattens each Response into its envelopes in order, undecoded, and passes failures through', () => {
    const f = messageFactory({ now: () => 1 });
    const m1 = f.chat('alice', 'hi');
    const m2 = f.like('bob', 3, 10);
    const m3 = f.member('carol', 5);
    const r1 = unpackResponse(
      decodeFrame(encodeFrame({ logId: '1', response: { messages: [m1, m2] } })) as DecodedFrame,
    );
    const r2 = unpackResponse(decodeFrame(encodeFrame({ logId: '2', response: { messages: [m3] } })) as DecodedFrame);
    const failure: DecodeFailure = {
      kind: 'decode-failure',
      stage: 'frame',
      error: new DouyinLiveError('FRAME_DECODE_FAILED', 'x'),
    };
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a---e-b|', { a: r1, b: r2, e: failure }).pipe(toMessages())).toBe('(xy)e-z|', {
        x: expect.objectContaining({ kind: 'envelope', method: 'WebcastChatMessage', msgId: m1.msgId, logId: '1' }),
        y: expect.objectContaining({ kind: 'envelope', method: 'WebcastLikeMessage', msgId: m2.msgId }),
        z: expect.objectContaining({ kind: 'envelope', method: 'WebcastMemberMessage', logId: '2' }),
        e: failure,
      });
    });
  });

  it('emits nothing for frames without messages', () => {
    const empty = unpackResponse(decodeFrame(encodeFrame({ payloadType: 'hb', gzip: false })) as DecodedFrame);
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a|', { a: empty }).pipe(toMessages())).toBe('-|');
    });
  });
});
