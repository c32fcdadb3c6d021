import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import {
  DEFAULT_SCENARIO_SOURCE_OPTIONS,
  DEFAULT_SIMULATOR_OPTIONS,
  startSimulator,
  type RoomOptions,
  type RoomPageFormat,
  type Simulator,
  type SimulatorOptions,
} from '@douyin-live/simulator';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { recordingSource, type RecordingSource } from '../replay/recordingSource.js';

/** Arguments of `douyin-live serve`. */
export interface ServeArgs {
  recording?: string | undefined;
  host: string;
  port: number;
  webRid: string;
  rooms: number;
  page: RoomPageFormat;
  verifySignature: boolean;
  seed: number;
  speed: number;
  duration?: number | undefined;
  messageLimit?: number | undefined;
  exitOnEnd: boolean;
  heartbeatTimeout: number;
  pingInterval: number;
  withholdGiftsFromGuests: boolean;
  dropAfter?: number | undefined;
  stallAfter?: number | undefined;
  closeAfter?: number | undefined;
  closeCode: number;
  faultConnections: number;
  garbageEvery?: number | undefined;
  corruptGzipEvery?: number | undefined;
  rejectHandshakes: number;
  resend: number;
  slowPage: number;
}

/** First room id of `serve`; further rooms (`--rooms`) count up from it. */
const FIRST_ROOM_ID = BigInt(DEFAULT_SIMULATOR_OPTIONS.roomId);

/** The rooms `serve` hosts: `--rooms n` distinct web_rids and room ids, each with its own seed. */
export function serveRooms(
  args: Pick<ServeArgs, 'webRid' | 'rooms' | 'seed' | 'duration' | 'messageLimit'>,
): RoomOptions[] {
  return Array.from({ length: args.rooms }, (_, i) => ({
    // A numeric web_rid counts up like real ones; a handle gets a suffix.
    webRid:
      i === 0
        ? args.webRid
        : /^\d+$/.test(args.webRid)
          ? String(BigInt(args.webRid) + BigInt(i))
          : `${args.webRid}-${i + 1}`,
    roomId: String(FIRST_ROOM_ID + BigInt(i)),
    title: args.rooms > 1 ? `模拟直播间 ${i + 1}` : undefined,
    scenario: { seed: args.seed + i, durationMs: args.duration, messageLimit: args.messageLimit },
  }));
}

/** The simulator options of parsed `serve` arguments. */
export function serveOptions(args: ServeArgs): SimulatorOptions {
  return {
    host: args.host,
    port: args.port,
    rooms: serveRooms(args),
    page: args.page,
    verifySignature: args.verifySignature,
    speed: args.speed,
    heartbeatTimeoutMs: args.heartbeatTimeout,
    pingIntervalMs: args.pingInterval,
    withholdGiftsFromGuests: args.withholdGiftsFromGuests,
    dropAfter: args.dropAfter,
    stallAfter: args.stallAfter,
    closeAfter: args.closeAfter,
    closeCode: args.closeCode,
    faultConnections: args.faultConnections,
    garbageEvery: args.garbageEvery,
    corruptGzipEvery: args.corruptGzipEvery,
    rejectHandshakes: args.rejectHandshakes,
    resend: args.resend,
    slowPage: args.slowPage,
  };
}

/**
 * The room that plays a recording: the recorded room's web_rid, id, title and anchor when they are valid
 * simulator values (else `--web-rid` and the default id), its messages from the recording.
 */
export function recordingRoom(args: Pick<ServeArgs, 'webRid'>, recording: RecordingSource): RoomOptions {
  const room = recording.header.room;
  const anchor = room?.anchor;
  return {
    webRid: room?.webRid && /^[\w.-]+$/.test(room.webRid) ? room.webRid : args.webRid,
    roomId: room && /^[1-9]\d{0,19}$/.test(room.roomId) ? room.roomId : String(FIRST_ROOM_ID),
    title: room?.title || undefined,
    anchor: anchor ? { nickname: anchor.nickname, id: anchor.id, secUid: anchor.secUid } : undefined,
    source: recording.source,
  };
}

/** Registers `serve`: the local Douyin simulator. */
export function serveCommand(ctx: CliContext) {
  const d = DEFAULT_SIMULATOR_OPTIONS;
  return {
    command: 'serve [recording]',
    describe: 'Run the local Douyin simulator (room pages, web/enter, im/fetch and the push WebSocket on one port)',
    builder: (y: Argv) =>
      y
        .positional('recording', {
          type: 'string',
          describe: 'a .dyrec recording to play (at its recorded pace × --speed) instead of the seeded scenario',
        })
        .option('port', { type: 'number', default: d.port, describe: 'port (0 = any free port)' })
        .option('host', { type: 'string', default: d.host, describe: 'interface to listen on (loopback by default)' })
        .option('web-rid', { type: 'string', default: d.webRid, describe: 'web_rid of the (first) room' })
        .option('rooms', { type: 'number', default: 1, describe: 'number of rooms to host' })
        .option('page', {
          choices: ['current', 'render-data', 'risk'] as const,
          default: d.page,
          describe: 'room page format: __pace_f stream, old RENDER_DATA, or a risk-control page',
        })
        .option('verify-signature', {
          type: 'boolean',
          default: d.verifySignature,
          describe: 'check the push URL signature (--no-verify-signature for older clients)',
        })
        .option('seed', { type: 'number', default: DEFAULT_SCENARIO_SOURCE_OPTIONS.seed, describe: 'scenario seed' })
        .option('speed', { type: 'number', default: d.speed, describe: 'playback speed' })
        .option('duration', { type: 'number', describe: 'end the live after this many ms' })
        .option('message-limit', { type: 'number', describe: 'end the live after this many messages' })
        .option('exit-on-end', { type: 'boolean', default: false, describe: 'exit when every live has ended' })
        .option('heartbeat-timeout', {
          type: 'number',
          default: d.heartbeatTimeoutMs,
          describe: 'drop clients silent this long (ms)',
        })
        .option('ping-interval', {
          type: 'number',
          default: d.pingIntervalMs,
          describe: 'WebSocket ping interval (ms, 0 = off)',
        })
        .option('withhold-gifts-from-guests', {
          type: 'boolean',
          default: d.withholdGiftsFromGuests,
          describe: 'no gift messages for connections without a sessionid cookie',
        })
        .option('drop-after', { type: 'number', describe: 'fault: cut the socket (1006) after n frames' })
        .option('stall-after', { type: 'number', describe: 'fault: send nothing more after n frames' })
        .option('close-after', { type: 'number', describe: 'fault: close with --close-code after n frames' })
        .option('close-code', {
          type: 'number',
          default: d.closeCode,
          describe: 'close code of --close-after (1006 = cut)',
        })
        .option('fault-connections', {
          type: 'number',
          default: d.faultConnections,
          describe: 'how many connections (the first ones) get drop/stall/close faults',
        })
        .option('garbage-every', { type: 'number', describe: 'fault: a non-PushFrame frame after every n-th frame' })
        .option('corrupt-gzip-every', {
          type: 'number',
          describe: 'fault: a corrupt-gzip frame after every n-th frame',
        })
        .option('reject-handshakes', {
          type: 'number',
          default: d.rejectHandshakes,
          describe: 'fault: refuse the next k handshakes (200 + DEVICE_BLOCKED)',
        })
        .option('resend', { type: 'number', default: d.resend, describe: 're-send n delivered messages on reconnect' })
        .option('slow-page', { type: 'number', default: d.slowPage, describe: 'delay room pages by this many ms' })
        .example('$0 serve', 'one room on a free port')
        .example('$0 serve --port 8080 --rooms 3 --drop-after 20', 'three rooms; the first connection drops')
        .example('$0 serve session.dyrec --speed 10 --exit-on-end', 'a recording, ten times faster'),
    handler: async (args: ServeArgs) => {
      let options = serveOptions(args);
      if (args.recording !== undefined) {
        if (args.rooms !== 1) {
          throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'a recording is played in one room (drop --rooms)', {
            rooms: args.rooms,
          });
        }
        const recording = await recordingSource(args.recording, {
          onError: (error) =>
            ctx.err(`! ${args.recording}: ${error.message}; the live ends where the readable part ends`),
        });
        options = { ...options, rooms: [recordingRoom(args, recording)] };
        ctx.out(
          `playing ${args.recording} (recorded ${new Date(recording.header.recordingStartedAt).toISOString()}) at speed ${args.speed}`,
        );
      }
      const sim = await startSimulator(options);
      ctx.out(`douyin-live simulator: ${sim.httpUrl} ${sim.wsUrl}`);
      for (const room of sim.rooms) ctx.out(`  room ${room.webRid} (room_id ${room.roomId}): ${room.pageUrl}`);
      const interrupted = ctx.interrupted();
      const ended = args.exitOnEnd ? sim.allEnded() : new Promise<never>(() => undefined);
      const reason = await Promise.race([interrupted.then(() => 'interrupted'), ended.then(() => 'live ended')]);
      await sim.close();
      ctx.out(`stopped (${reason}): ${summary(sim)}`);
    },
  };
}

function summary(sim: Simulator): string {
  const s = sim.stats;
  const matched = s.acks.filter((a) => a.matched).length;
  return [
    `${s.connections.length} connections`,
    `${s.framesSent.msg} msg frames`,
    `${matched}/${s.acks.length} acks matched`,
    `${s.heartbeats} heartbeats`,
    `${s.handshakesRejected.length} handshakes refused`,
  ].join(', ');
}
