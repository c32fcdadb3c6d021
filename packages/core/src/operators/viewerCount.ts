/**
 * `viewerCount()`: the room's current audience as a plain number stream, from whichever statistics message
 * the server sends (RoomUserSeqMessage §5.14 or RoomStatsMessage §5.17).
 */
import { distinctUntilChanged, filter, map, pipe, type OperatorFunction } from 'rxjs';
import type { KnownMethod, RoomStatsMessage, RoomUserSeqMessage } from '../messages/types.js';
import { ofMethod, type MethodFilterInput } from '../pipeline/ofMethod.js';

/** The messages {@link viewerCount} reads. */
export type ViewerCountSource = Extract<KnownMethod, 'WebcastRoomUserSeqMessage' | 'WebcastRoomStatsMessage'>;

/** Options of {@link viewerCount}. */
export interface ViewerCountOptions {
  /**
   * Which messages to read; pick one when the two disagree in your rooms.
   * @defaultValue both: `['WebcastRoomUserSeqMessage', 'WebcastRoomStatsMessage']`
   */
  readonly sources?: readonly ViewerCountSource[] | undefined;
}

/** The defaults of {@link ViewerCountOptions}. */
export const DEFAULT_VIEWER_COUNT_OPTIONS = {
  sources: ['WebcastRoomUserSeqMessage', 'WebcastRoomStatsMessage'],
} as const satisfies { readonly [K in keyof ViewerCountOptions]-?: Exclude<ViewerCountOptions[K], undefined> };

/**
 * The viewer count a statistics message reports, or `undefined` when it holds none: RoomUserSeq's `total`
 * (online now); RoomStats' `total`, else its `displayValue`. Zero is what an absent field decodes to, so it
 * counts as "no value".
 */
export function viewersOf(message: RoomUserSeqMessage | RoomStatsMessage): number | undefined {
  const n = message.method === 'WebcastRoomUserSeqMessage' ? message.total : message.total || message.displayValue;
  return n > 0 ? n : undefined;
}

/**
 * Emits the current viewer count each time it changes. Takes the pipeline's output directly (other messages
 * are skipped) or already filtered statistics messages.
 *
 * @example
 * ```ts
 * frames$.pipe(livePipeline(), viewerCount()).subscribe((n) => (title.textContent = `${n} 人在看`));
 * ```
 */
export function viewerCount(options: ViewerCountOptions = {}): OperatorFunction<MethodFilterInput, number> {
  const sources = options.sources ?? DEFAULT_VIEWER_COUNT_OPTIONS.sources;
  return pipe(
    ofMethod(...sources),
    map(viewersOf),
    filter((n): n is number => n !== undefined),
    distinctUntilChanged(),
  );
}
