/**
 * Query strings of the relay's routes, checked before anything is served: a bad value is an `INVALID_ARGUMENT`
 * error that the server answers with 400 and its reason.
 */
import { DouyinLiveError, ErrorCodes, methodFilter, MESSAGE_KINDS } from '@douyin-live/core';
import { DERIVED_KINDS, type DerivedKind } from './events.js';

/** What one client of `/ws` or `/events` receives. */
export interface EventFilter {
  /** Only these rooms; undefined for every room. */
  readonly rooms: ReadonlySet<string> | undefined;
  /** Whether messages are sent at all (an `?only=` naming only derived kinds turns them off). */
  readonly messages: boolean;
  /** Only messages of these methods; undefined for every method. */
  readonly keepMethod: ((method: string) => boolean) | undefined;
  /** Derived kinds asked for. */
  readonly derived: ReadonlySet<DerivedKind>;
}

/** Where a client resumes from: the SSE `Last-Event-ID`, or `?lastEventId=` for clients that cannot set headers. */
export type ResumeFrom = number | undefined;

const LONGEST_ROOM_KEY = 200;

function bad(message: string, param: string, value: unknown): DouyinLiveError {
  return new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, message, { param, value });
}

/** A comma-separated list, each item trimmed; an empty list is an error. */
function list(params: URLSearchParams, name: string): string[] | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) throw bad(`?${name}= is empty (leave it out for all)`, name, raw);
  return items;
}

/**
 * Parses `?rooms=a,b&only=chat,gift,combo` (also `?room=`). Unknown rooms are an error unless rooms can still
 * appear (`dynamic`); unknown kinds always are.
 */
export function parseEventFilter(
  params: URLSearchParams,
  knownRooms: readonly string[],
  dynamic: boolean,
): EventFilter {
  const rooms = list(params, 'rooms') ?? list(params, 'room');
  for (const room of rooms ?? []) {
    if (room.length > LONGEST_ROOM_KEY) throw bad(`room key longer than ${LONGEST_ROOM_KEY} characters`, 'rooms', room);
    if (!dynamic && !knownRooms.includes(room)) {
      throw bad(`unknown room "${room}" (relayed: ${knownRooms.join(', ') || 'none'})`, 'rooms', room);
    }
  }
  const only = list(params, 'only');
  const derived = new Set<DerivedKind>();
  const kinds: string[] = [];
  for (const kind of only ?? []) {
    if ((DERIVED_KINDS as readonly string[]).includes(kind)) derived.add(kind as DerivedKind);
    else kinds.push(kind);
  }
  let keepMethod: ((method: string) => boolean) | undefined;
  try {
    keepMethod = methodFilter(kinds.join(','));
  } catch {
    const unknown = kinds.find((k) => !(k in MESSAGE_KINDS) && !k.startsWith('Webcast'));
    throw bad(
      `unknown kind "${unknown}" in ?only= (one of ${[...Object.keys(MESSAGE_KINDS), ...DERIVED_KINDS].join(', ')}, or a Webcast… method)`,
      'only',
      params.get('only'),
    );
  }
  return {
    rooms: rooms ? new Set(rooms) : undefined,
    messages: only === undefined || kinds.length > 0,
    keepMethod,
    derived,
  };
}

/** A non-negative integer id, as `Last-Event-ID` or `?lastEventId=` carries it. */
export function parseEventId(value: string | null | undefined, param: string): ResumeFrom {
  if (value === null || value === undefined || value === '') return undefined;
  if (!/^\d{1,15}$/.test(value.trim()))
    throw bad(`${param} must be an event id (a non-negative integer)`, param, value);
  return Number(value.trim());
}

/** Options of an overlay page: `?room=&max=&fontSize=&theme=`. */
export interface OverlayQuery {
  readonly max: number;
  readonly fontSize: number;
  readonly theme: 'dark' | 'light' | 'outline';
  /** Seconds a finished gift alert stays on screen. */
  readonly linger: number;
}

/** The themes of the overlays: text on a dark pill, on a light pill, or outlined text with no pill. */
export const OVERLAY_THEMES = ['dark', 'light', 'outline'] as const;

/** Checks an overlay page's query (the page reads the same values in the browser). */
export function parseOverlayQuery(
  params: URLSearchParams,
  knownRooms: readonly string[],
  dynamic: boolean,
): OverlayQuery {
  parseEventFilter(new URLSearchParams(params.has('room') ? { room: params.get('room')! } : {}), knownRooms, dynamic);
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max)
      throw bad(`?${name}= must be an integer from ${min} to ${max}`, name, raw);
    return n;
  };
  const theme = params.get('theme') ?? 'dark';
  if (!(OVERLAY_THEMES as readonly string[]).includes(theme)) {
    throw bad(`?theme= must be one of ${OVERLAY_THEMES.join(', ')}`, 'theme', theme);
  }
  return {
    max: int('max', 10, 1, 200),
    fontSize: int('fontSize', 24, 8, 200),
    theme: theme as OverlayQuery['theme'],
    linger: int('linger', 8, 1, 86_400),
  };
}
