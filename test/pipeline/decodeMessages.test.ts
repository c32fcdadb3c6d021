import { decodeMessages } from '../../packages/core/src/pipeline/decodeMessages.js';
import { MessageEnvelope } from '../../packages/core/src/messages/envelope.js';
import { messageFactory, encodeWire, decodeWire } from '@douyin-live/testing';
import { testScheduler } from '../helpers/scheduler.js';

const envelope = (m: { method: string; msgId: string; payload: Uint8Array }) =>
  new MessageEnvelope(decodeWire('Message', encodeWire('Message', m)), '1');

describe('decodeMessages', () => {
  const f = messageFactory({ now: () => 1_700_000_000_000, roomId: '7400000000000000009' });

  it('decodes each method into its friendly shape, keeping the wire object on raw', () => {
    const chat = envelope(f.chat({ nickname: 'alice', id: '7000000000000000001' }, 'hello'));
    const gift = envelope(
      f.gift({ user: 'bob', name: 'Rose', diamondCount: 1, repeatCount: 3, groupId: '77', repeatEnd: false }),
    );
    const social = envelope(f.share('carol'));
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-c|', { a: chat, b: gift, c: social }).pipe(decodeMessages())).toBe('a-b-c|', {
        a: expect.objectContaining({
          kind: 'message',
          method: 'WebcastChatMessage',
          msgId: chat.msgId,
          roomId: '7400000000000000009',
          createTime: 1_700_000_000_000,
          content: 'hello',
          user: expect.objectContaining({ id: '7000000000000000001', nickname: 'alice', masked: false }),
          raw: expect.objectContaining({ content: 'hello' }),
        }),
        b: expect.objectContaining({
          method: 'WebcastGiftMessage',
          gift: expect.objectContaining({ name: 'Rose', diamondCount: 1 }),
          repeatCount: 3,
          groupId: '77',
          repeatEnd: false,
        }),
        c: expect.objectContaining({ method: 'WebcastSocialMessage', type: 'share', action: 3 }),
      });
    });
  });

  it('keeps unknown methods whole and reports undecodable payloads as failure values', () => {
    const unknown = envelope({ method: 'WebcastBrandNewMessage', msgId: '5', payload: Uint8Array.of(8, 1) });
    const broken = envelope({ method: 'WebcastChatMessage', msgId: '6', payload: Uint8Array.of(0x1a, 0x09, 0x61) });
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b|', { a: unknown, b: broken }).pipe(decodeMessages())).toBe('a-b|', {
        a: {
          kind: 'message',
          method: 'WebcastBrandNewMessage',
          unknown: true,
          msgId: '5',
          payload: Uint8Array.of(8, 1),
        },
        b: expect.objectContaining({
          kind: 'decode-failure',
          stage: 'message',
          error: expect.objectContaining({
            code: 'MESSAGE_DECODE_FAILED',
            context: { bytes: Uint8Array.of(0x1a, 0x09, 0x61), method: 'WebcastChatMessage', msgId: '6' },
          }),
        }),
      });
    });
  });

  it('flags masked guests and decodes each envelope only once', () => {
    const env = envelope(f.chat({ nickname: '小***', id: '111111' }, 'x'));
    const first = env.decode();
    expect(env.decode()).toBe(first);
    expect(first).toMatchObject({ user: { masked: true, id: '111111' } });
  });
});
