/**
 * `firstTimeChatters()`: each user's first chat of the session, for welcome messages.
 */
import { defer, filter, type MonoTypeOperatorFunction } from 'rxjs';
import { ANONYMOUS_USER_ID } from '../messages/user.js';
import { checkCount, RecentIds, withDefaults, type Resolved } from './internal.js';

/** Options of {@link firstTimeChatters}. */
export interface FirstTimeChattersOptions {
  /**
   * Most user ids remembered; beyond it the longest-known is forgotten (and would be greeted again).
   * @defaultValue `100_000`
   */
  readonly max?: number | undefined;
  /**
   * Users already greeted, e.g. loaded from the bot's last session.
   * @defaultValue `[]`
   */
  readonly known?: Iterable<string> | undefined;
  /**
   * Leave out anonymous guests (user id 111111): every guest shares that id, so "first chat" means nothing.
   * @defaultValue `true`
   */
  readonly ignoreAnonymous?: boolean | undefined;
}

/** The defaults of {@link FirstTimeChattersOptions}. */
export const DEFAULT_FIRST_TIME_CHATTERS_OPTIONS = {
  max: 100_000,
  known: [],
  ignoreAnonymous: true,
} as const satisfies Resolved<FirstTimeChattersOptions>;

/**
 * Lets through only the first message of each user id (chat messages or anything with a `user`).
 *
 * @example
 * ```ts
 * chats$.pipe(firstTimeChatters()).subscribe((m) => say(`欢迎 ${m.user.nickname}!`));
 * ```
 */
export function firstTimeChatters<T extends { readonly user: { readonly id: string } }>(
  options: FirstTimeChattersOptions = {},
): MonoTypeOperatorFunction<T> {
  const { max, known, ignoreAnonymous } = withDefaults<Resolved<FirstTimeChattersOptions>>(
    DEFAULT_FIRST_TIME_CHATTERS_OPTIONS,
    options,
  );
  checkCount('firstTimeChatters', 'max', max);
  const seed = [...known];
  return (source) =>
    defer(() => {
      const seen = new RecentIds(max);
      for (const id of seed) seen.check(id, 0);
      return source.pipe(
        filter((m) => !(ignoreAnonymous && m.user.id === ANONYMOUS_USER_ID) && !seen.check(m.user.id, 0)),
      );
    });
}
