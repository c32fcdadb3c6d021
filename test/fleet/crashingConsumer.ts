/**
 * A consumer of a fleet's group that dies in the middle of a batch: it takes `after` messages of a batch, then
 * kills its own process with SIGKILL, leaving the batch unacknowledged. Run by the fleet test:
 * `tsx crashingConsumer.ts <redis url> <group> <consumer> <after>`.
 */
import { connectFleet } from '@douyin-live/fleet';

const [url, group, consumer, after] = process.argv.slice(2);
const fleet = connectFleet({ redis: url!, group, consumer, from: 'beginning', count: 50 });
let taken = 0;
fleet.messages$.subscribe(({ id }) => {
  process.stdout.write(`${id}\n`);
  if (++taken === Number(after)) process.kill(process.pid, 'SIGKILL');
});
