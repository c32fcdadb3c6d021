// Shared builders for the operator tests: friendly messages from the testing kit's message factory.
import { decodeEnvelope } from '../../packages/core/src/messages/envelope.js';
import type { GiftMessage, LiveMessage, MessageMap } from '../../packages/core/src/messages/types.js';
import { decodeWire, encodeWire, messageFactory, type BuiltMessage, type GiftSpec } from '@douyin-live/testing';

/** Decodes a built message into its friendly shape (throws on a failure value). */
export function decoded<M extends keyof MessageMap>(built: BuiltMessage, _method?: M): MessageMap[M] {
  const out = decodeEnvelope(decodeWire('Message', encodeWire('Message', built)));
  if (out.kind === 'decode-failure') throw out.error;
  return out as LiveMessage as MessageMap[M];
}

/** A message factory with a fixed clock, and friendly-message shortcuts on top of it. */
export function friendly() {
  const f = messageFactory({ now: () => 1_700_000_000_000 });
  return {
    factory: f,
    gift: (spec: GiftSpec, msgId?: string): GiftMessage => decoded(f.gift(spec, msgId), 'WebcastGiftMessage'),
    chat: (user: string, content: string) => decoded(f.chat(user, content), 'WebcastChatMessage'),
    like: (user: string, count: number, total = count) => decoded(f.like(user, count, total), 'WebcastLikeMessage'),
    viewers: (total: number) => decoded(f.viewers(total, total), 'WebcastRoomUserSeqMessage'),
    roomStats: (total: number, display = String(total)) =>
      decoded(f.roomStats(display, total), 'WebcastRoomStatsMessage'),
  };
}
