import { connectLiveSession } from '@douyin-live/core';
import { startSimulator } from '@douyin-live/simulator';
import type { Argv } from 'yargs';
import type { CliContext } from '../context.js';
import { watchSession } from './watch.js';

const DEMO_WEB_RID = '261378947940';

/** Arguments of `demo`. */
export interface DemoArgs {
  seconds: number;
  only: string;
  json: boolean;
}

/**
 * Registers `demo` — what `npm start` runs: the bundled simulator plus a real live session against it over
 * loopback (room page, signed WebSocket, gzip frames, acks, heartbeats), printing the chat.
 */
export function demoCommand(ctx: CliContext) {
  return {
    command: 'demo',
    describe: 'Run a live session against the bundled simulator and print the chat (what `npm start` does)',
    builder: (y: Argv) =>
      y
        .option('seconds', { type: 'number', default: 20, describe: 'how long the simulated live lasts' })
        .option('only', { type: 'string', default: 'chat,gift,social,control', describe: 'message kinds to print' })
        .option('json', { type: 'boolean', default: false, describe: 'one JSON object per message' }),
    handler: async (args: DemoArgs) => {
      const sim = await startSimulator({
        webRid: DEMO_WEB_RID,
        scenario: { seed: 2026, durationMs: args.seconds * 1000 },
      });
      ctx.err(`simulator at ${sim.httpUrl} — joining room ${DEMO_WEB_RID} as a guest (Ctrl-C to stop)`);
      try {
        const session = connectLiveSession({ room: `${sim.httpUrl}/${DEMO_WEB_RID}`, endpoints: sim.httpUrl });
        await watchSession(session, args, ctx);
      } finally {
        await sim.close();
      }
    },
  };
}
