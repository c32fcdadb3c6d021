import { filter, type OperatorFunction } from 'rxjs';
import type { KnownMethod, MessageMap } from '../messages/types.js';
import type { PoolMessage } from './types.js';

/**
 * Keeps only a pool's messages of the given methods, typed by the message map:
 * `pool.messages$.pipe(ofPoolMethod('WebcastGiftMessage'))` gives `Observable<PoolMessage<GiftMessage>>`.
 */
export function ofPoolMethod<M extends KnownMethod>(
  ...methods: readonly M[]
): OperatorFunction<PoolMessage, PoolMessage<MessageMap[M]>> {
  const wanted = new Set<string>(methods);
  return filter(
    (item: PoolMessage): item is PoolMessage<MessageMap[M]> =>
      wanted.has(item.message.method) && !('unknown' in item.message),
  );
}
