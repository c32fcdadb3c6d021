/**
 * `commands()`: chat messages that start with a prefix become `{ command, args }`. Douyin viewers type on
 * Chinese input methods, which produce full-width punctuation (`！`) and spaces (U+3000), so those count too.
 */
import { filter, map, pipe, type OperatorFunction } from 'rxjs';
import type { ChatMessage, User } from '../messages/types.js';
import { withDefaults, type Resolved } from './internal.js';
import { DouyinLiveError, ErrorCodes } from '../errors.js';

/** A parsed chat command. */
export interface ChatCommand {
  /** The command name without the prefix; lower-cased unless `caseSensitive`. */
  readonly command: string;
  /** The arguments, split on whitespace (quoted strings kept whole when `quotes` is on). */
  readonly args: readonly string[];
  /** Everything after the command name, trimmed, as typed. */
  readonly argText: string;
  readonly user: User;
  readonly message: ChatMessage;
}

/** Options of {@link commands}. */
export interface CommandsOptions {
  /**
   * The prefix (or prefixes) that mark a command.
   * @defaultValue `'!'`
   */
  readonly prefix?: string | readonly string[] | undefined;
  /**
   * Keep the command name's case (`!Roll` ≠ `!roll`).
   * @defaultValue `false`
   */
  readonly caseSensitive?: boolean | undefined;
  /**
   * Read `"two words"` and `'two words'` (and 「」/“” quotes) as one argument.
   * @defaultValue `true`
   */
  readonly quotes?: boolean | undefined;
  /**
   * Read full-width characters (`！`, `？`, `＃`, U+3000 space, …) as their ASCII forms, in prefix and name.
   * @defaultValue `true`
   */
  readonly fullWidth?: boolean | undefined;
  /**
   * Only these command names (compared after case folding); empty means any.
   * @defaultValue `[]`
   */
  readonly only?: readonly string[] | undefined;
}

/** The defaults of {@link CommandsOptions}. */
export const DEFAULT_COMMANDS_OPTIONS = {
  prefix: '!',
  caseSensitive: false,
  quotes: true,
  fullWidth: true,
  only: [],
} as const satisfies Resolved<CommandsOptions>;

// Full-width ASCII variants (U+FF01–U+FF5E) sit at a fixed offset from ASCII.
const FULL_WIDTH = /[\uFF01-\uFF5E]/g;
const FULL_WIDTH_OFFSET = 0xfee0;
const toHalfWidth = (text: string): string =>
  text.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - FULL_WIDTH_OFFSET)).replace(/\u3000/g, ' ');

// One argument: a quoted run (ASCII, corner or curly quotes) or a run of non-space characters.
const QUOTED_ARG = /"([^"]*)"|'([^']*)'|「([^」]*)」|“([^”]*)”|(\S+)/g;

/** Splits an argument string, honouring quotes when asked. */
export function splitArgs(text: string, quotes = true): string[] {
  if (!quotes) return text.split(/\s+/).filter((a) => a !== '');
  return [...text.matchAll(QUOTED_ARG)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] ?? '');
}

/** Parses one chat text as a command; `undefined` when it is not one. */
export function parseCommand(
  content: string,
  options: CommandsOptions = {},
): Pick<ChatCommand, 'command' | 'args' | 'argText'> | undefined {
  const { prefix, caseSensitive, quotes, fullWidth, only } = withDefaults<Resolved<CommandsOptions>>(
    DEFAULT_COMMANDS_OPTIONS,
    options,
  );
  const prefixes = typeof prefix === 'string' ? [prefix] : prefix;
  let text = content.trimStart();
  const normalised = fullWidth ? toHalfWidth(text) : text;
  // Longest prefix first, so `!!` wins over `!` when both are configured.
  const used = [...prefixes].sort((a, b) => b.length - a.length).find((p) => normalised.startsWith(p));
  if (used === undefined) return undefined;
  // Full-width folding keeps lengths (one UTF-16 unit each), so offsets in `normalised` hold in `text`.
  text = text.slice(used.length);
  const head = /^\S+/.exec(fullWidth ? toHalfWidth(text) : text);
  if (head === null) return undefined;
  const command = caseSensitive ? head[0] : head[0].toLowerCase();
  if (only.length > 0 && !only.some((name) => (caseSensitive ? name : name.toLowerCase()) === command))
    return undefined;
  const argText = (fullWidth ? text.slice(head[0].length).replace(/\u3000/g, ' ') : text.slice(head[0].length)).trim();
  return { command, args: splitArgs(argText, quotes), argText };
}

/**
 * Turns prefixed chat messages into commands and leaves every other message out.
 *
 * @example
 * ```ts
 * chats$.pipe(commands({ prefix: ['!', '/'] })).subscribe(({ command, args, user }) => {
 *   if (command === 'roll') reply(`${user.nickname} rolled ${roll(args[0])}`);
 * });
 * ```
 */
export function commands(options: CommandsOptions = {}): OperatorFunction<ChatMessage, ChatCommand> {
  const prefixes = options.prefix ?? DEFAULT_COMMANDS_OPTIONS.prefix;
  if ((typeof prefixes === 'string' ? [prefixes] : prefixes).some((p) => p === '')) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'commands: a prefix must not be empty', {
      option: 'prefix',
    });
  }
  return pipe(
    map((message: ChatMessage) => {
      const parsed = parseCommand(message.content, options);
      return parsed && { ...parsed, user: message.user, message };
    }),
    filter((command): command is ChatCommand => command !== undefined),
  );
}
