import { of, take } from 'rxjs';
import { decodeMessages } from '../../packages/core/src/pipeline/decodeMessages.js';
import { ofMethod } from '../../packages/core/src/pipeline/ofMethod.js';
import { MessageEnvelope } from '../../packages/core/src/messages/envelope.js';
import { decodeWire, encodeWire, messageFactory } from '@douyin-live/testing';
import { testScheduler } from '../helpers/scheduler.js';

const envelope = (m: { method: string; msgId: string; payload: Uint8Array }) =>
  new MessageEnvelope(decodeWire('Message', encodeWire('Message', m)), '1');

describe('ofMethod', () => {
  const f = messageFactory({ now: () => 0 });

  it('keeps only the requested methods, from decoded messages', () => {
    const a = envelope(f.chat('a', 'one'));
    const b = envelope(f.like('b', 1, 1));
    const c = envelope(f.gift({ user: 'c' }));
    testScheduler().run(({ cold, expectObservable }) => {
      const out$ = cold('a-b-c|', { a, b, c }).pipe(
        decodeMessages(),
        ofMethod('WebcastChatMessage', 'WebcastGiftMessage'),
      );
      expectObservable(out$).toBe('a---c|', {
        a: expect.objectContaining({ method: 'WebcastChatMessage', content: 'one' }),
        c: expect.objectContaining({ method: 'WebcastGiftMessage' }),
      });
    });
  });

  it('decodes envelopes lazily: other methods are never decoded', () => {
    const chat = envelope(f.chat('a', 'x'));
    const like = envelope(f.like('b', 1, 1));
    const spy = jest.spyOn(like, 'decode');
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|', { a: chat, b: like }).pipe(ofMethod('WebcastChatMessage'))).toBe('a--|', {
        a: expect.objectContaining({ content: 'x' }),
      });
    });
    expect(spy).not.toHaveBeenCalled();
  });

  it('stops decoding when the subscriber below has what it wants', () => {
    const first = envelope(f.chat('a', 'one'));
    const second = envelope(f.chat('b', 'two'));
    const spy = jest.spyOn(second, 'decode');
    const seen: string[] = [];
    of(first, second)
      .pipe(ofMethod('WebcastChatMessage'), take(1))
      .subscribe((m) => seen.push(m.content));
    expect(seen).toEqual(['one']);
    expect(spy).not.toHaveBeenCalled();
  });

  it('leaves out failures and unknown methods', () => {
    const broken = envelope({ method: 'WebcastChatMessage', msgId: '1', payload: Uint8Array.of(0xff) });
    const unknown = envelope({ method: 'WebcastChatMessageV9', msgId: '2', payload: Uint8Array.of() });
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|', { a: broken, b: unknown }).pipe(ofMethod('WebcastChatMessage'))).toBe('---|');
    });
  });
});
