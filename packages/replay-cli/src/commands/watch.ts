import { MESSAGE_KINDS, messageToJson, methodFilter, toJsonLine } from '@douyin-live/core';
import { readFileSync } from 'node:fs';
import {
  connectRooms,
  type DouyinLiveError,
  type LiveMessage,
  type LiveSession,
  type LiveSessionOptions,
  type RoomPool,
  type RoomPoolOptions,
} from '@douyin-live/core';
import { connectFleet } from '@douyin-live/fleet';
import type { Argv } from 'yargs';
import { formatMessage, palette } from '../format/pretty.js';
import type { CliContext } from '../context.js';

/** Arguments of `watch`. */
export interface WatchArgs {
  rooms: string[];
  json: boolean;
  only?: string | undefined;
  cookieFile?: string | undefined;
  endpoint?: string | undefined;
  requestInterval?: number | undefined;
  maxJoins?: number | undefined;
  fleet?: string | undefined;
  group?: string | undefined;
  prefix?: string | undefined;
  from?: 'new' | 'beginning' | undefined;
}

/** Pool options of `watch` and `record`: `--request-interval` (jitter scales with it) and `--max-joins`. */
export function poolOptionsFrom(args: {
  requestInterval?: number | undefined;
  maxJoins?: number | undefined;
}): Omit<RoomPoolOptions, 'session'> {
  const interval = args.requestInterval;
  return {
    ...(interval !== undefined ? { requestIntervalMs: interval, requestJitterMs: interval * 1.5 } : {}),
    ...(args.maxJoins !== undefined ? { maxConcurrentJoins: args.maxJoins } : {}),
  };
}

/** The `--request-interval` and `--max-joins` options of `watch` and `record`. */
export function poolArgs(y: Argv): Argv {
  return y
    .option('request-interval', {
      type: 'number',
      describe:
        'ms between two HTTP requests of the joins, plus up to 1.5× that as jitter (default 100; 0 for the simulator)',
    })
    .option('max-joins', { type: 'number', describe: 'rooms joining at the same time (default 4)' });
}

/** Session options shared by `watch` and `record`: cookie file and endpoint override. */
export function sessionOptionsFrom(args: {
  cookieFile?: string | undefined;
  endpoint?: string | undefined;
}): Omit<LiveSessionOptions, 'room'> {
  const cookie = args.cookieFile ? readFileSync(args.cookieFile, 'utf8').trim() : undefined;
  return { ...(cookie ? { cookie } : {}), ...(args.endpoint ? { endpoints: args.endpoint } : {}) };
}

/** Prints one session until it ends or the user interrupts; resolves when it is over. */
export async function watchSession(
  session: LiveSession,
  args: Pick<WatchArgs, 'json' | 'only'>,
  ctx: CliContext,
  label = '',
): Promise<void> {
  const keep = methodFilter(args.only);
  const p = palette(ctx.colour);
  const prefix = label ? p.dim(`[${label}] `) : '';
  session.state$.subscribe((state) =>
    ctx.err(args.json ? toJsonLine({ state, room: label || undefined }) : `${prefix}${p.dim(`— ${state}`)}`),
  );
  session.room$.subscribe((room) => {
    if (!args.json)
      ctx.err(
        `${prefix}${p.bold(room.title || room.roomId)} ${p.dim(`room ${room.roomId}${room.anchor ? ` · ${room.anchor.nickname}` : ''}${session.loggedIn ? '' : ' · guest (nicknames masked)'}`)}`,
      );
  });
  session.errors$.subscribe((e) =>
    ctx.err(args.json ? toJsonLine({ error: e.code, message: e.message }) : `${prefix}${p.red(`! ${e.message}`)}`),
  );
  session.messages$.subscribe((m: LiveMessage) => {
    if (keep && !keep(m.method)) return;
    ctx.out(args.json ? toJsonLine(messageToJson(m)) : `${prefix}${formatMessage(m, p)}`);
  });
  const outcome = await Promise.race([
    session.done,
    ctx
      .interrupted()
      .then(() => session.close())
      .then(() => session.done),
  ]);
  if (outcome.reason === 'failed') throw outcome.error;
}

/**
 * Prints every room of a pool until all of them are over or the user interrupts; a room that fails is reported
 * and the others go on. Rejects with the first room's fatal error once every room is over.
 */
export async function watchPool(
  pool: RoomPool,
  args: Pick<WatchArgs, 'json' | 'only'>,
  ctx: CliContext,
): Promise<void> {
  const keep = methodFilter(args.only);
  const p = palette(ctx.colour);
  const labelled = pool.rooms.length > 1;
  const prefix = (room: string) => (labelled ? p.dim(`[${room}] `) : '');
  pool.states$.subscribe(({ room, state }) => {
    // One room never waits for a join slot for more than a moment: its lines stay as a single session's.
    if (state === 'queued' && !labelled) return;
    ctx.err(
      args.json ? toJsonLine({ state, room: labelled ? room : undefined }) : `${prefix(room)}${p.dim(`— ${state}`)}`,
    );
  });
  pool.errors$.subscribe(({ room, error }) =>
    ctx.err(
      args.json
        ? toJsonLine({ error: error.code, message: error.message, room: labelled ? room : undefined })
        : `${prefix(room)}${p.red(`! ${error.message}`)}`,
    ),
  );
  for (const key of pool.rooms) {
    const session = pool.room(key);
    session.room$.subscribe((room) => {
      if (!args.json)
        ctx.err(
          `${prefix(key)}${p.bold(room.title || room.roomId)} ${p.dim(`room ${room.roomId}${room.anchor ? ` · ${room.anchor.nickname}` : ''}${session.loggedIn ? '' : ' · guest (nicknames masked)'}`)}`,
        );
    });
  }
  pool.messages$.subscribe(({ room, message }) => {
    if (keep && !keep(message.method)) return;
    ctx.out(
      args.json
        ? toJsonLine(labelled ? { room, ...messageToJson(message) } : messageToJson(message))
        : `${prefix(room)}${formatMessage(message, p)}`,
    );
  });
  const outcomes = Promise.all(pool.rooms.map((key) => pool.room(key).done));
  await Promise.race([outcomes, ctx.interrupted()]);
  await pool.close();
  const failed = (await outcomes).find((o): o is { reason: 'failed'; error: DouyinLiveError } => o.reason === 'failed');
  if (failed) throw failed.error;
}

/**
 * Prints a fleet's messages from Redis (`watch --fleet redis://…`), as a pool's: every room, or only the rooms
 * named, until the user interrupts.
 */
export async function watchFleet(args: WatchArgs & { fleet: string }, ctx: CliContext): Promise<void> {
  const keep = methodFilter(args.only);
  const p = palette(ctx.colour);
  const fleet = connectFleet({
    redis: args.fleet,
    prefix: args.prefix,
    group: args.group,
    rooms: args.rooms.length > 0 ? args.rooms : undefined,
    from: args.from,
  });
  fleet.errors$.subscribe((e) =>
    ctx.err(args.json ? toJsonLine({ error: e.code, message: e.message }) : p.red(`! ${e.message}`)),
  );
  fleet.messages$.subscribe(({ room, message }) => {
    if (keep && !keep(message.method)) return;
    // The fleet's messages carry no wire object: both printers read only the friendly fields.
    const m = message as LiveMessage;
    ctx.out(args.json ? toJsonLine({ room, ...messageToJson(m) }) : `${p.dim(`[${room}] `)}${formatMessage(m, p)}`);
  });
  await ctx.interrupted();
  await fleet.close();
}

/** Registers `watch`. */
export function watchCommand(ctx: CliContext) {
  return {
    command: 'watch [rooms..]',
    describe: 'Join live rooms (URL or web_rid) and print their messages',
    builder: (y: Argv) =>
      poolArgs(y)
        .positional('rooms', {
          type: 'string',
          array: true,
          default: [],
          describe: 'https://live.douyin.com/<web_rid> or web_rid (with --fleet: only these rooms)',
        })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'one JSON object per message; state changes on stderr',
        })
        .option('only', { type: 'string', describe: `only these kinds: ${Object.keys(MESSAGE_KINDS).join(',')}` })
        .option('cookie-file', {
          type: 'string',
          describe: 'file holding a logged-in cookie string (real nicknames, gifts)',
        })
        .option('endpoint', {
          type: 'string',
          describe: 'send every HTTP and WebSocket request to this base URL (the simulator)',
        })
        .option('fleet', {
          type: 'string',
          describe: 'print a fleet’s messages from this Redis (redis://host:port[/db]) instead of joining rooms',
        })
        .option('group', { type: 'string', describe: 'with --fleet: read as a consumer of this group' })
        .option('prefix', {
          type: 'string',
          describe: 'with --fleet: prefix of the fleet’s keys (default douyin-live:)',
        })
        .option('from', {
          choices: ['new', 'beginning'] as const,
          describe: 'with --fleet: start with new messages (default) or the oldest kept',
        })
        .check((a) => {
          if (!a.fleet && (a.rooms as string[]).length === 0) throw new Error('Name at least one room (or --fleet).');
          return true;
        })
        .example('$0 watch https://live.douyin.com/261378947940', 'watch a real room')
        .example('$0 watch --fleet redis://127.0.0.1:6379 --only chat', 'print the chat of every room of a fleet')
        .example('$0 watch 100000001 --endpoint http://127.0.0.1:8080 --only chat', 'watch the simulator’s chat'),
    handler: async (args: WatchArgs) => {
      methodFilter(args.only); // reject a bad --only before connecting
      if (args.fleet) return watchFleet({ ...args, fleet: args.fleet }, ctx);
      // One pool for every room: joins are capped and paced, and one room failing leaves the others running.
      const pool = connectRooms(new Set(args.rooms), { ...poolOptionsFrom(args), session: sessionOptionsFrom(args) });
      await watchPool(pool, args, ctx);
    },
  };
}
