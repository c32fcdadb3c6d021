import { basename } from 'node:path';
import { connectRooms, DouyinLiveError, ErrorCodes, MESSAGE_KINDS, methodFilter } from '@douyin-live/core';
import { startRelay, type Relay, type RelaySession } from '@douyin-live/relay';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { loopReplay, type LoopingReplay } from '../replay/loopReplay.js';
import { parseSpeed } from '../replay/options.js';
import { poolArgs, poolOptionsFrom, sessionOptionsFrom } from './watch.js';

/** Arguments of `douyin-live relay`. */
export interface RelayArgs {
  rooms?: string[] | undefined;
  from?: string[] | undefined;
  speed: string;
  loop: boolean;
  port: number;
  host: string;
  token?: string | undefined;
  allowOrigin?: string[] | undefined;
  maxClients?: number | undefined;
  only?: string | undefined;
  cookieFile?: string | undefined;
  endpoint?: string | undefined;
  requestInterval?: number | undefined;
  maxJoins?: number | undefined;
}

/** The room key of a recording: its file name without `.dyrec` (`?rooms=busy-room`). */
export function recordingKey(file: string): string {
  return basename(file).replace(/\.dyrec$/i, '');
}

/** The lines `relay` prints once it listens; the first holds the URL. */
export function relayBanner(relay: Relay, rooms: readonly string[], token: boolean): string[] {
  const t = token ? '&token=…' : '';
  const ws = relay.url.replace(/^http/, 'ws');
  return [
    `douyin-live relay: ${relay.url}`,
    `  dashboard    ${relay.url}/${token ? '?token=…' : ''}`,
    `  websocket    ${ws}/ws?rooms=…&only=chat,gift${t}`,
    `  events (SSE) ${relay.url}/events?rooms=…&only=chat,gift${t}`,
    `  rooms (JSON) ${relay.url}/api/rooms${token ? '?token=…' : ''}`,
    ...rooms.map(
      (room) =>
        `  overlays of ${room}: ${['chat', 'gifts', 'leaderboard', 'viewers'].map((o) => `${relay.url}/overlay/${o}?room=${encodeURIComponent(room)}${t}`).join(' ')}`,
    ),
  ];
}

/** Registers `relay`: live rooms (or recordings) to WebSocket, SSE, a dashboard and OBS overlays. */
export function relayCommand(ctx: CliContext) {
  return {
    command: 'relay [rooms..]',
    describe: 'Relay live rooms (or recordings) over WebSocket and SSE, with a dashboard and OBS overlays',
    builder: (y: Argv) =>
      poolArgs(y)
        .positional('rooms', {
          type: 'string',
          array: true,
          describe: 'https://live.douyin.com/<web_rid> or web_rid',
        })
        .option('from', {
          type: 'string',
          array: true,
          describe: 'relay a .dyrec recording instead of live rooms (room key: the file name without .dyrec)',
        })
        .option('speed', { type: 'string', default: '1', describe: 'playback speed of --from (1 = recorded pace)' })
        .option('loop', { type: 'boolean', default: false, describe: 'play --from again each time it ends' })
        .option('port', { type: 'number', default: 0, describe: 'port (0 = any free port)' })
        .option('host', {
          type: 'string',
          default: '127.0.0.1',
          describe: 'interface to listen on; anything but loopback requires --token',
        })
        .option('token', { type: 'string', describe: 'required on every route: Authorization: Bearer T or ?token=T' })
        .option('allow-origin', {
          type: 'string',
          array: true,
          describe: 'page origins allowed to open the WebSocket and read the API (* for any)',
        })
        .option('max-clients', { type: 'number', describe: 'most WebSocket + SSE clients at once (default 1000)' })
        .option('only', { type: 'string', describe: `relay only these kinds: ${Object.keys(MESSAGE_KINDS).join(',')}` })
        .option('cookie-file', { type: 'string', describe: 'file holding a logged-in cookie string (real nicknames)' })
        .option('endpoint', {
          type: 'string',
          describe: 'send every HTTP and WebSocket request to this base URL (the simulator)',
        })
        .example('$0 relay 261378947940', 'one live room on a free port of 127.0.0.1')
        .example('$0 relay --from session.dyrec --loop --port 8080', 'a recording, again and again, for overlay work')
        .example('$0 relay 261378947940 --host 0.0.0.0 --token s3cret', 'reachable from the LAN, with a token'),
    handler: async (args: RelayArgs) => {
      const rooms = args.rooms ?? [];
      const files = args.from ?? [];
      if (rooms.length > 0 && files.length > 0) {
        throw new DouyinLiveError(
          ErrorCodes.INVALID_ARGUMENT,
          'relay either live rooms or --from recordings, not both',
        );
      }
      if (rooms.length === 0 && files.length === 0) {
        throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'name a room to relay, or --from a recording');
      }
      methodFilter(args.only); // a bad --only fails before anything starts
      const relayOptions = {
        host: args.host,
        port: args.port,
        token: args.token,
        allowOrigins: args.allowOrigin,
        maxClients: args.maxClients,
        only: args.only,
      };
      let stop: () => Promise<void>;
      let relay: Relay;
      let keys: string[];
      if (files.length > 0) {
        const speed = parseSpeed(args.speed);
        const byKey = new Map<string, string>();
        for (const file of files) {
          const key = recordingKey(file);
          if (byKey.has(key)) {
            throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `two recordings named ${key}`, { file });
          }
          byKey.set(key, file);
        }
        const replays = new Map<string, LoopingReplay>();
        for (const [key, file] of byKey) replays.set(key, loopReplay(file, { speed }, args.loop));
        for (const [key, r] of replays) r.errors$.subscribe((e) => ctx.err(`! ${key}: ${e.message} [${e.code}]`));
        keys = [...replays.keys()];
        stop = async () => {
          await Promise.all([...replays.values()].map((r) => r.close()));
        };
        try {
          relay = await startRelay(replays as ReadonlyMap<string, RelaySession>, relayOptions);
        } catch (error) {
          await stop();
          throw error;
        }
      } else {
        const pool = connectRooms(new Set(rooms), {
          ...poolOptionsFrom(args),
          session: sessionOptionsFrom(args),
        });
        pool.errors$.subscribe(({ room, error }) => ctx.err(`! ${room}: ${error.message} [${error.code}]`));
        keys = [...pool.rooms];
        try {
          relay = await startRelay(pool, relayOptions);
        } catch (error) {
          await pool.close();
          throw error;
        }
        stop = () => pool.close();
      }
      for (const line of relayBanner(relay, keys, args.token !== undefined)) ctx.out(line);
      await ctx.interrupted();
      await relay.close();
      await stop();
      ctx.out(`stopped: ${relay.stats.events} events relayed, ${relay.stats.slowClientsClosed} slow clients closed`);
    },
  };
}
