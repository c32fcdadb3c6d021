import { catchError, EMPTY, filter, map, merge, share, tap, type Observable } from 'rxjs';
import type { DouyinLiveError } from '../errors.js';
import type { MessageEnvelope } from '../messages/envelope.js';
import type { KnownMethod, LiveMessage } from '../messages/types.js';
import { ofMethod } from '../pipeline/ofMethod.js';
import type { DecodeFailure } from '../pipeline/types.js';
import type { LiveSession } from './types.js';

/** The message streams of a session, as derived from its deduplicated envelopes. */
export type MessageStreams = Pick<
  LiveSession,
  'messages$' | 'chat$' | 'gift$' | 'like$' | 'member$' | 'social$' | 'viewers$' | 'control$'
> & {
  /**
   * Messages whose payload did not decode, found while decoding for `messages$` (or for this stream itself):
   * a session merges it into `errors$`. Completes quietly when the envelopes fail (the fatal error is reported
   * once, by the session).
   */
  readonly messageFailures$: Observable<DecodeFailure>;
  /** `otherErrors$` merged with the errors of {@link messageFailures$}: a session's `errors$`. */
  readonly errors$: Observable<DouyinLiveError>;
};

/** Which methods feed which typed stream: the one table live sessions, replays and room pools share. */
export const STREAM_METHODS = {
  chat$: ['WebcastChatMessage'],
  gift$: ['WebcastGiftMessage'],
  like$: ['WebcastLikeMessage'],
  member$: ['WebcastMemberMessage'],
  social$: ['WebcastSocialMessage'],
  viewers$: ['WebcastRoomUserSeqMessage', 'WebcastRoomStatsMessage'],
  control$: ['WebcastControlMessage'],
} as const satisfies Record<
  Exclude<keyof MessageStreams, 'messages$' | 'messageFailures$' | 'errors$'>,
  readonly KnownMethod[]
>;

/**
 * Derives every message stream of a session from one stream of deduplicated envelopes — the single place that
 * says which methods feed which stream, shared by live sessions and replays. Decoding is memoised per
 * envelope, so all the streams together decode each message at most once, and a stream nobody subscribes to
 * decodes nothing.
 */
export function messageStreams(
  envelopes$: Observable<MessageEnvelope>,
  otherErrors$: Observable<DouyinLiveError> = EMPTY,
  onMessageFailure: () => void = () => undefined,
): MessageStreams {
  const decoded$ = envelopes$.pipe(
    map((e) => e.decode()),
    share(),
  );
  const messageFailures$ = decoded$.pipe(
    filter((m): m is DecodeFailure => m.kind === 'decode-failure'),
    catchError(() => EMPTY),
  );
  return {
    messages$: decoded$.pipe(filter((m): m is LiveMessage => m.kind === 'message')),
    messageFailures$,
    // Message payloads are decoded only for the streams somebody reads; their failures join errors$ from there.
    errors$: merge(
      otherErrors$,
      messageFailures$.pipe(
        tap(onMessageFailure),
        map((f) => f.error),
      ),
    ),
    chat$: envelopes$.pipe(ofMethod(...STREAM_METHODS.chat$)),
    gift$: envelopes$.pipe(ofMethod(...STREAM_METHODS.gift$)),
    like$: envelopes$.pipe(ofMethod(...STREAM_METHODS.like$)),
    member$: envelopes$.pipe(ofMethod(...STREAM_METHODS.member$)),
    social$: envelopes$.pipe(ofMethod(...STREAM_METHODS.social$)),
    viewers$: envelopes$.pipe(ofMethod(...STREAM_METHODS.viewers$)),
    control$: envelopes$.pipe(ofMethod(...STREAM_METHODS.control$)),
  };
}
