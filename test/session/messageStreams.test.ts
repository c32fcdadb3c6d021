import { Subject, lastValueFrom, toArray } from 'rxjs';
import { messageStreams } from '../../packages/core/src/session/messageStreams.js';
import { MessageEnvelope } from '../../packages/core/src/messages/envelope.js';
import { DouyinLiveError } from '../../packages/core/src/errors.js';
import { decodeWire, encodeWire, messageFactory } from '@douyin-live/testing';

const envelope = (m: { method: string; msgId: string; payload: Uint8Array }) =>
  new MessageEnvelope(decodeWire('Message', encodeWire('Message', m)), '1');

describe('messageStreams', () => {
  const f = messageFactory({ now: () => 0 });

  it('routes each method to its stream and reports undecodable payloads once, on messageFailures$', async () => {
    const source = new Subject<MessageEnvelope>();
    const s = messageStreams(source);
    const all = lastValueFrom(s.messages$.pipe(toArray()));
    const chats = lastValueFrom(s.chat$.pipe(toArray()));
    const viewers = lastValueFrom(s.viewers$.pipe(toArray()));
    const failures = lastValueFrom(s.messageFailures$.pipe(toArray()));
    source.next(envelope(f.chat('a', 'hi')));
    source.next(envelope({ method: 'WebcastChatMessage', msgId: '9', payload: Uint8Array.of(0xff) }));
    source.next(envelope(f.viewers(3, 4)));
    source.next(envelope(f.roomStats('3', 3)));
    source.complete();
    expect((await all).map((m) => m.method)).toEqual([
      'WebcastChatMessage',
      'WebcastRoomUserSeqMessage',
      'WebcastRoomStatsMessage',
    ]);
    expect((await chats).map((m) => m.content)).toEqual(['hi']);
    expect((await viewers).map((m) => m.method)).toEqual(['WebcastRoomUserSeqMessage', 'WebcastRoomStatsMessage']);
    expect(await failures).toEqual([
      expect.objectContaining({
        stage: 'message',
        error: expect.objectContaining({
          code: 'MESSAGE_DECODE_FAILED',
          context: expect.objectContaining({ msgId: '9' }),
        }),
      }),
    ]);
  });

  it('completes messageFailures$ quietly when the envelopes fail, while the message streams carry the error', async () => {
    const source = new Subject<MessageEnvelope>();
    const s = messageStreams(source);
    const failures = lastValueFrom(s.messageFailures$.pipe(toArray()));
    const chats = lastValueFrom(s.chat$);
    source.error(new DouyinLiveError('HANDSHAKE_REJECTED', 'no'));
    expect(await failures).toEqual([]);
    await expect(chats).rejects.toMatchObject({ code: 'HANDSHAKE_REJECTED' });
  });
});
