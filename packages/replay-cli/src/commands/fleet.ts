import { toJsonLine } from '@douyin-live/core';
import { openFleetControl, startFleetWorker, type FleetStatus } from '@douyin-live/fleet';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { palette } from '../format/pretty.js';
import { sessionOptionsFrom } from './watch.js';

/** Arguments every `fleet` subcommand has. */
interface FleetArgs {
  redis: string;
  prefix?: string | undefined;
}

/** Arguments of `fleet worker`. */
interface FleetWorkerArgs extends FleetArgs {
  name?: string | undefined;
  maxRooms?: number | undefined;
  cookieFile?: string | undefined;
  endpoint?: string | undefined;
  leaseMs?: number | undefined;
  requestInterval?: number | undefined;
  json: boolean;
}

function redisArgs<T>(y: Argv<T>) {
  return y
    .option('redis', {
      type: 'string',
      demandOption: true,
      describe: 'the fleet’s Redis: redis://host:port[/db]',
    })
    .option('prefix', { type: 'string', describe: 'prefix of every key (default douyin-live:)' });
}

/** Runs one worker until interrupted, then hands its rooms over. */
async function runWorker(args: FleetWorkerArgs, ctx: CliContext): Promise<void> {
  const interval = args.requestInterval;
  const worker = startFleetWorker({
    redis: args.redis,
    prefix: args.prefix,
    name: args.name,
    maxRooms: args.maxRooms,
    leaseMs: args.leaseMs,
    ...(args.leaseMs !== undefined ? { rebalanceIntervalMs: Math.min(1_000, args.leaseMs / 3) } : {}),
    ...(interval !== undefined ? { requestIntervalMs: interval, requestJitterMs: interval * 1.5 } : {}),
    session: sessionOptionsFrom(args),
  });
  const p = palette(ctx.colour);
  ctx.err(args.json ? toJsonLine({ worker: worker.name, state: 'started' }) : p.dim(`— worker ${worker.name} started`));
  worker.events$.subscribe((e) =>
    ctx.err(
      args.json
        ? toJsonLine({ worker: worker.name, event: e.kind, room: e.room, error: e.error?.code })
        : `${p.dim(`[${e.room}]`)} ${e.kind}${e.error ? p.red(` ${e.error.message}`) : ''}`,
    ),
  );
  worker.errors$.subscribe((e) =>
    ctx.err(
      args.json ? toJsonLine({ worker: worker.name, error: e.code, message: e.message }) : p.red(`! ${e.message}`),
    ),
  );
  await ctx.interrupted();
  ctx.err(args.json ? toJsonLine({ worker: worker.name, state: 'stopping' }) : p.dim('— handing rooms over'));
  await worker.stop();
  ctx.err(args.json ? toJsonLine({ worker: worker.name, state: 'stopped' }) : p.dim('— stopped'));
}

/** Seconds with one decimal, or a dash. */
function age(ms: number | undefined): string {
  return ms === undefined ? '-' : `${(ms / 1000).toFixed(1)}s`;
}

/** The status as a table. */
function printStatus(status: FleetStatus, ctx: CliContext): void {
  const p = palette(ctx.colour);
  const t = status.totals;
  ctx.out(
    p.bold(`${t.rooms} rooms: ${t.owned} owned, ${t.live} live, ${t.ended} ended, ${t.backoff} backing off; `) +
      p.dim(`${t.streamLength} entries in the stream`),
  );
  ctx.out(p.bold('workers'));
  for (const w of status.workers) {
    ctx.out(`  ${w.name.padEnd(20)} ${String(w.rooms).padStart(6)} rooms  heartbeat ${age(w.heartbeatAgeMs)} ago`);
  }
  ctx.out(p.bold('rooms'));
  ctx.out(p.dim('  room           owner                state         last msg   msg/min   gaps'));
  for (const r of status.rooms) {
    ctx.out(
      `  ${r.room.padEnd(14)} ${(r.owner ?? '-').padEnd(20)} ${r.state.padEnd(12)} ${age(r.lastMessageAgeMs).padStart(9)} ` +
        `${String(r.messagesPerMinute).padStart(9)} ${String(r.gaps).padStart(6)}${r.error ? p.red(`  ${r.error}`) : ''}`,
    );
  }
}

/** Registers `fleet worker|add|remove|status`. */
export function fleetCommand(ctx: CliContext) {
  return {
    command: 'fleet <command>',
    describe: 'Many rooms across processes and machines on Redis: workers, rooms, status',
    builder: (y: Argv) =>
      y
        .command({
          command: 'worker',
          describe: 'Hold a fair share of the fleet’s rooms and append their messages to Redis (Ctrl-C hands over)',
          builder: (w: Argv) =>
            redisArgs(w)
              .option('name', { type: 'string', describe: 'worker name (default <hostname>-<pid>)' })
              .option('max-rooms', { type: 'number', describe: 'most rooms this worker holds' })
              .option('lease-ms', { type: 'number', describe: 'lease time in ms (default 15000)' })
              .option('cookie-file', { type: 'string', describe: 'file holding a logged-in cookie string' })
              .option('endpoint', { type: 'string', describe: 'send every request to this base URL (the simulator)' })
              .option('request-interval', {
                type: 'number',
                describe: 'ms between two join requests of the whole fleet, plus up to 1.5× as jitter (default 100)',
              })
              .option('json', { type: 'boolean', default: false, describe: 'events as JSON lines on stderr' }),
          handler: (args: FleetWorkerArgs) => runWorker(args, ctx),
        })
        .command({
          command: 'add <rooms..>',
          describe: 'Add rooms (URL or web_rid) to the fleet',
          builder: (a: Argv) => redisArgs(a).positional('rooms', { type: 'string', array: true, demandOption: true }),
          handler: async (args: FleetArgs & { rooms: string[] }) => {
            const control = openFleetControl({ redis: args.redis, prefix: args.prefix });
            try {
              const added = await control.add(args.rooms);
              ctx.out(`added ${added.length} room${added.length === 1 ? '' : 's'}`);
            } finally {
              await control.close();
            }
          },
        })
        .command({
          command: 'remove <rooms..>',
          describe: 'Take rooms out of the fleet (their streams stay)',
          builder: (a: Argv) => redisArgs(a).positional('rooms', { type: 'string', array: true, demandOption: true }),
          handler: async (args: FleetArgs & { rooms: string[] }) => {
            const control = openFleetControl({ redis: args.redis, prefix: args.prefix });
            try {
              const removed = await control.remove(args.rooms);
              ctx.out(`removed ${removed.length} room${removed.length === 1 ? '' : 's'}`);
            } finally {
              await control.close();
            }
          },
        })
        .command({
          command: 'status',
          describe: 'Every room (owner, state, last message, messages per minute, gaps) and every worker',
          builder: (a: Argv) =>
            redisArgs(a).option('json', { type: 'boolean', default: false, describe: 'one JSON object' }),
          handler: async (args: FleetArgs & { json: boolean }) => {
            const control = openFleetControl({ redis: args.redis, prefix: args.prefix });
            try {
              const status = await control.status();
              if (args.json) ctx.out(toJsonLine(status));
              else printStatus(status, ctx);
            } finally {
              await control.close();
            }
          },
        })
        .demandCommand(1, 'Name a fleet command: worker, add, remove or status.'),
    handler: () => undefined,
  };
}
