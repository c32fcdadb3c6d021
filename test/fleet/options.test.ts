import {
  DEFAULT_FLEET_WORKER_OPTIONS,
  connectFleet,
  fleetKeys,
  fleetRoomName,
  openFleetControl,
  resolveFleetConsumerOptions,
  resolveFleetWorkerOptions,
} from '@douyin-live/fleet';
import { ErrorCodes } from '@douyin-live/core';

describe('fleet options, names and keys (no Redis needed)', () => {
  test('worker options merge with the defaults and reject what cannot work', () => {
    const o = resolveFleetWorkerOptions({ redis: 'redis://127.0.0.1:6379', name: 'w1' });
    expect(o).toMatchObject({ name: 'w1', leaseMs: DEFAULT_FLEET_WORKER_OPTIONS.leaseMs, prefix: 'douyin-live:' });
    expect(() => resolveFleetWorkerOptions({ redis: 'redis://x', name: 'has space' })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }),
    );
    expect(() => resolveFleetWorkerOptions({ redis: 'redis://x', leaseMs: 1000, rebalanceIntervalMs: 1000 })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT, message: expect.stringContaining('leaseMs') }),
    );
  });

  test('consumer options reject an empty room list and non-integer counts', () => {
    expect(() => resolveFleetConsumerOptions({ redis: 'redis://x', rooms: [] })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }),
    );
    expect(() => resolveFleetConsumerOptions({ redis: 'redis://x', count: 1.5 })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }),
    );
  });

  test('a URL that is not redis:// is a clear INVALID_ARGUMENT error, before any connection', () => {
    expect(() => openFleetControl({ redis: 'http://127.0.0.1:6379' })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT, message: expect.stringContaining('redis://') }),
    );
    expect(() => connectFleet({ redis: 'localhost:6379' })).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }),
    );
  });

  test('rooms are named by web_rid, and each room’s keys share one Redis Cluster hash tag', () => {
    expect(fleetRoomName('https://live.douyin.com/261378947940?from=share')).toBe('261378947940');
    expect(fleetRoomName(' 261378947940 ')).toBe('261378947940');
    expect(() => fleetRoomName('a{b}')).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }));
    const keys = fleetKeys('dl:').room('261378947940');
    for (const key of Object.values(keys)) expect(key.startsWith('dl:{261378947940}:')).toBe(true);
  });
});
