import { readFileSync } from 'node:fs';
import { connectLiveSession, type LiveMessage, type LiveSession, type LiveSessionOptions } from '@douyin-live/core';
import type { Argv } from 'yargs';
import { toJsonLine } from '../format/json.js';
import { formatMessage, messageForJson, palette } from '../format/pretty.js';
import type { CliContext } from '../context.js';

/** Message kinds `--only` understands, by the method they select. */
export const KIND_METHODS: Readonly<Record<string, readonly string[]>> = {
  chat: ['WebcastChatMessage', 'WebcastEmojiChatMessage', 'WebcastScreenChatMessage'],
  gift: ['WebcastGiftMessage'],
  like: ['WebcastLikeMessage'],
  member: ['WebcastMemberMessage'],
  social: ['WebcastSocialMessage'],
  viewers: ['WebcastRoomUserSeqMessage', 'WebcastRoomStatsMessage'],
  control: ['WebcastControlMessage'],
  fansclub: ['WebcastFansclubMessage'],
  room: ['WebcastRoomMessage'],
};

/** Parses `--only chat,gift` into a method filter (undefined = everything); unknown kinds are an error. */
export function methodFilter(only: string | undefined): ((method: string) => boolean) | undefined {
  if (!only) return undefined;
  const methods = new Set<string>();
  for (const kind of only
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)) {
    const list = KIND_METHODS[kind] ?? (kind.startsWith('Webcast') ? [kind] : undefined);
    if (!list)
      throw new Error(
        `--only: unknown kind "${kind}" (one of ${Object.keys(KIND_METHODS).join(', ')}, or a Webcast… method)`,
      );
    for (const m of list) methods.add(m);
  }
  return (method) => methods.has(method);
}

/** Arguments of `watch`. */
export interface WatchArgs {
  rooms: string[];
  json: boolean;
  only?: string | undefined;
  cookieFile?: string | undefined;
  endpoint?: string | undefined;
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
    ctx.out(args.json ? toJsonLine(messageForJson(m)) : `${prefix}${formatMessage(m, p)}`);
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

/** Registers `watch`. */
export function watchCommand(ctx: CliContext) {
  return {
    command: 'watch <rooms..>',
    describe: 'Join live rooms (URL or web_rid) and print their messages',
    builder: (y: Argv) =>
      y
        .positional('rooms', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'https://live.douyin.com/<web_rid> or web_rid',
        })
        .option('json', {
          type: 'boolean',
          default: false,
          describe: 'one JSON object per message; state changes on stderr',
        })
        .option('only', { type: 'string', describe: `only these kinds: ${Object.keys(KIND_METHODS).join(',')}` })
        .option('cookie-file', {
          type: 'string',
          describe: 'file holding a logged-in cookie string (real nicknames, gifts)',
        })
        .option('endpoint', {
          type: 'string',
          describe: 'send every HTTP and WebSocket request to this base URL (the simulator)',
        })
        .example('$0 watch https://live.douyin.com/261378947940', 'watch a real room')
        .example('$0 watch 100000001 --endpoint http://127.0.0.1:8080 --only chat', 'watch the simulator’s chat'),
    handler: async (args: WatchArgs) => {
      methodFilter(args.only); // reject a bad --only before connecting
      const base = sessionOptionsFrom(args);
      const sessions = args.rooms.map((room) => connectLiveSession({ ...base, room }));
      await Promise.all(sessions.map((s, i) => watchSession(s, args, ctx, sessions.length > 1 ? args.rooms[i] : '')));
    },
  };
}
