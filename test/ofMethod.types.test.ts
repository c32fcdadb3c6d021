// Type-level test: `npm run typecheck` compiles this file; the @ts-expect-error lines fail the build if the
// narrowing ever loosens. The runtime part checks the same values.
import { firstValueFrom, of, toArray, type Observable } from 'rxjs';
import { isMethod, ofMethod } from '../packages/core/src/pipeline/ofMethod.js';
import type { ChatMessage, GiftMessage, LiveMessage, MessageMap } from '../packages/core/src/messages/types.js';
import { decodeEnvelope } from '../packages/core/src/messages/envelope.js';
import { decodeWire, encodeWire, messageFactory } from '@douyin-live/testing';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assertType = <T extends true>(value: T): T => value;

describe('ofMethod types', () => {
  it('narrows the union to the requested methods', async () => {
    const f = messageFactory({ now: () => 0 });
    const decoded = [f.chat('a', 'hi'), f.gift({ user: 'b', name: 'Rose' }), f.like('c', 1, 1)].map(
      (m) => decodeEnvelope(decodeWire('Message', encodeWire('Message', m))) as LiveMessage,
    );
    const source = of(...decoded);
    const gifts$ = source.pipe(ofMethod('WebcastGiftMessage'));
    const both$ = source.pipe(ofMethod('WebcastChatMessage', 'WebcastGiftMessage'));
    assertType<Equal<typeof gifts$, Observable<GiftMessage>>>(true);
    assertType<Equal<typeof both$, Observable<ChatMessage | GiftMessage>>>(true);
    assertType<Equal<MessageMap['WebcastChatMessage'], ChatMessage>>(true);

    // @ts-expect-error: not a known method
    source.pipe(ofMethod('WebcastNoSuchMessage'));

    const gifts = await firstValueFrom(gifts$.pipe(toArray()));
    const names: string[] = gifts.map((g) => g.gift.name);
    expect(names).toEqual(['Rose']);
    // @ts-expect-error: gifts have no chat content
    void gifts[0]?.content;

    const methods = await firstValueFrom(both$.pipe(toArray()));
    expect(methods.map((m) => m.method)).toEqual(['WebcastChatMessage', 'WebcastGiftMessage']);

    const chats = decoded
      .filter((m) => isMethod(m, 'WebcastChatMessage'))
      .map((m) => (isMethod(m, 'WebcastChatMessage') ? m.content : ''));
    expect(chats).toEqual(['hi']);
  });
});
