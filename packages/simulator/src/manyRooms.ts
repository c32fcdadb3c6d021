/**
 * `simulatedRooms(n)`: n distinct rooms for `startSimulator({ rooms })`, for many-room tests and benchmarks.
 * Room ids differ in their last six digits, so every room stamps its own range of message ids.
 */
import { DouyinLiveError, ErrorCodes } from '@douyin-live/core';
import type { RoomOptions } from './options.js';
import type { ScenarioSourceOptions } from './scenario.js';

/** First web_rid of {@link simulatedRooms}; room i gets this plus i. */
export const FIRST_SIMULATED_WEB_RID = 200_000_001;

/** First room id of {@link simulatedRooms}; its last six digits (100000) leave room for 900 000 rooms. */
export const FIRST_SIMULATED_ROOM_ID = 7_400_000_000_000_100_000n;

/** Options of {@link simulatedRooms}. */
export interface SimulatedRoomsOptions {
  /** Every room's scenario, or one per room index; each room's seed defaults to its index + 1. @defaultValue `{}` */
  readonly scenario?: ScenarioSourceOptions | ((index: number) => ScenarioSourceOptions) | undefined;
  /** Extra room fields (title, page, source...), per room index. @defaultValue none */
  readonly room?: ((index: number) => Partial<RoomOptions>) | undefined;
}

/** Builds `count` distinct rooms: web_rid `200000001`, `200000002`, ...; titles `模拟直播间 #1`, ... */
export function simulatedRooms(count: number, options: SimulatedRoomsOptions = {}): RoomOptions[] {
  if (!Number.isInteger(count) || count < 1 || count > 900_000) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'simulator: room count must be 1–900000', { count });
  }
  return Array.from({ length: count }, (_, i) => {
    const scenario = typeof options.scenario === 'function' ? options.scenario(i) : options.scenario;
    return {
      webRid: String(FIRST_SIMULATED_WEB_RID + i),
      roomId: String(FIRST_SIMULATED_ROOM_ID + BigInt(i)),
      title: `模拟直播间 #${i + 1}`,
      scenario: { seed: i + 1, ...scenario },
      ...options.room?.(i),
    };
  });
}
