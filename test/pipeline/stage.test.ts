import { finalize, from, of, Subject, take, tap } from 'rxjs';
import { encodeFrame, messageFactory } from '@douyin-live/testing';
import { ackWith } from '../../packages/core/src/pipeline/ackWith.js';
import { decodeFrame, decodeFrames } from '../../packages/core/src/pipeline/decodeFrames.js';
import { decodeMessages } from '../../packages/core/src/pipeline/decodeMessages.js';
import { liveEnvelopes, livePipeline } from '../../packages/core/src/pipeline/livePipeline.js';
import { toMessages } from '../../packages/core/src/pipeline/toMessages.js';
import type { DecodedFrame, InboundResponse } from '../../packages/core/src/pipeline/types.js';
import { unpackResponse, unpackResponses } from '../../packages/core/src/pipeline/unpackResponses.js';
import { testScheduler } from '../helpers/scheduler.js';

// The pipeline's stages are built on pipeline/stage.ts instead of RxJS's map, tap and mergeMap: these tests pin
// the RxJS semantics they must keep (unsubscription reaching the source, errors, completion).

const f = messageFactory({ now: () => 1 });
const threeMessages = () =>
  encodeFrame({
    logId: '5',
    response: { needAck: true, messages: [f.chat('a', '1'), f.chat('b', '2'), f.like('c', 1, 1)] },
  });
const inbound = (bytes: Uint8Array) => unpackResponse(decodeFrame(bytes) as DecodedFrame) as InboundResponse;

describe('pipeline stages', () => {
  it('pass unsubscription up to the source, at the frame the subscriber below left (every stage)', () => {
    const frame = threeMessages();
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a------a------a|', { a: frame });
      expectObservable(source.pipe(livePipeline({ send: () => {} })), '^-------!').toBe('(xyz)--(xyz)', {
        x: expect.objectContaining({ method: 'WebcastChatMessage' }),
        y: expect.objectContaining({ method: 'WebcastChatMessage' }),
        z: expect.objectContaining({ method: 'WebcastLikeMessage' }),
      });
      expectSubscriptions(source.subscriptions).toBe('^-------!');
    });
  });

  it('stop a frame between two of its messages when the subscriber below unsubscribes, and pull no more frames', () => {
    let framesPulled = 0;
    const seen: string[] = [];
    from([threeMessages(), threeMessages()])
      .pipe(
        tap(() => framesPulled++),
        livePipeline(),
        take(2),
      )
      .subscribe((m) => seen.push(m.kind === 'message' ? m.method : m.kind));
    expect(seen).toEqual(['WebcastChatMessage', 'WebcastChatMessage']);
    expect(framesPulled).toBe(1);
  });

  it('decode no envelope the subscriber below did not take', () => {
    const decoded: string[] = [];
    of(inbound(threeMessages()))
      .pipe(
        toMessages(),
        tap((e) => e.kind === 'envelope' && decoded.push(e.method)),
        take(1),
        decodeMessages(),
      )
      .subscribe();
    expect(decoded).toEqual(['WebcastChatMessage']);
  });

  it('pass the source error and completion through, after the items before them', () => {
    const frame = threeMessages();
    testScheduler().run(({ cold, expectObservable }) => {
      const err = new Error('socket gone');
      expectObservable(cold('a------#', { a: frame }, err).pipe(liveEnvelopes())).toBe(
        '(xxx)--#',
        { x: expect.anything() },
        err,
      );
      expectObservable(cold('a------|', { a: frame }).pipe(livePipeline())).toBe('(xxx)--|', { x: expect.anything() });
    });
  });

  it('turn an error thrown by a stage into the stream error, unsubscribe the source and deliver nothing after it', () => {
    const source = new Subject<Uint8Array>();
    let finalized = false;
    const seen: string[] = [];
    let error: unknown;
    let completed = false;
    const boom = new Error('send failed');
    let sends = 0;
    source
      .pipe(
        finalize(() => (finalized = true)),
        livePipeline({
          send: () => {
            if (++sends === 2) throw boom;
          },
        }),
      )
      .subscribe({
        next: (m) => seen.push(m.kind),
        error: (e: unknown) => (error = e),
        complete: () => (completed = true),
      });
    source.next(threeMessages());
    expect(seen).toHaveLength(3);
    source.next(threeMessages());
    // The ack is sent before the frame's messages go on: the second frame's messages never arrive.
    expect(seen).toHaveLength(3);
    expect(error).toBe(boom);
    expect(finalized).toBe(true);
    expect(source.observed).toBe(false);
    source.next(threeMessages());
    source.complete();
    expect(seen).toHaveLength(3);
    expect(completed).toBe(false);
  });

  it('send an error thrown below a stage (by the next operator) down as the stream error', () => {
    const boom = new Error('thrown below');
    let error: unknown;
    const seen: unknown[] = [];
    of(threeMessages(), threeMessages())
      .pipe(
        decodeFrames(),
        unpackResponses(),
        ackWith(() => {}),
        toMessages(),
        tap((e) => {
          if (e.kind === 'envelope' && e.method === 'WebcastLikeMessage') throw boom;
        }),
      )
      .subscribe({ next: (e) => seen.push(e), error: (e: unknown) => (error = e) });
    expect(seen).toHaveLength(2);
    expect(error).toBe(boom);
  });

  it('keep each subscription separate: a second subscriber gets its own stages and its own acks', () => {
    const acks: number[] = [];
    let subscriber = 0;
    const stream = of(threeMessages()).pipe(liveEnvelopes({ send: () => acks.push(subscriber) }));
    subscriber = 1;
    const first: unknown[] = [];
    stream.subscribe((e) => first.push(e));
    subscriber = 2;
    const second: unknown[] = [];
    stream.pipe(take(1)).subscribe((e) => second.push(e));
    expect(first).toHaveLength(3);
    expect(second).toHaveLength(1);
    expect(acks).toEqual([1, 2]);
  });
});
