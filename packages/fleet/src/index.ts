/**
 * `@douyin-live/fleet`: many Douyin live rooms across processes and machines, on Redis — workers sharing the rooms
 * through leases, failover, every message once in a Redis Stream, and consumers reading it as a room pool's
 * streams.
 */
export { startFleetWorker, type FleetWorker, type FleetWorkerEvent, type FleetWorkerStats } from './worker.js';
export {
  openFleetControl,
  type FleetControl,
  type FleetRoomStatus,
  type FleetStatus,
  type FleetWorkerStatus,
} from './control.js';
export { connectFleet, type FleetConnection, type FleetConnectionStats } from './consumer.js';
export type { FleetLiveMessage, FleetMessage } from './types.js';
export {
  DEFAULT_FLEET_CONSUMER_OPTIONS,
  DEFAULT_FLEET_CONTROL_OPTIONS,
  DEFAULT_FLEET_WORKER_OPTIONS,
  resolveFleetConsumerOptions,
  resolveFleetControlOptions,
  resolveFleetWorkerOptions,
  type FleetConsumerOptions,
  type FleetControlOptions,
  type FleetStart,
  type FleetWorkerOptions,
  type ResolvedFleetConsumerOptions,
  type ResolvedFleetControlOptions,
  type ResolvedFleetWorkerOptions,
} from './options.js';
export { fleetKeys, type FleetKeys, type RoomKeys } from './keys.js';
export { fleetRoomName } from './rooms.js';
export type { RedisInput } from './redis.js';
