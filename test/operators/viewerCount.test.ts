import { viewerCount, viewersOf } from '../../packages/core/src/operators/viewerCount.js';
import { livePipeline } from '../../packages/core/src/pipeline/livePipeline.js';
import { createTestScheduler, scenario } from '@douyin-live/testing';
import { friendly } from './fixtures.js';

const { viewers, roomStats, chat } = friendly();

describe('viewerCount', () => {
  it('emits the count from RoomUserSeq and RoomStats, only when it changes, skipping other messages', () => {
    const [v100, v100b, s120, c, v0] = [viewers(100), viewers(100), roomStats(120), chat('a', 'x'), viewers(0)];
    createTestScheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d-e|', { a: v100, b: v100b, c, d: s120, e: v0 });
      expectObservable(src.pipe(viewerCount())).toBe('a-----d--|', { a: 100, d: 120 });
      expectObservable(src.pipe(viewerCount({ sources: ['WebcastRoomUserSeqMessage'] }))).toBe('a--------|', {
        a: 100,
      });
    });
  });

  it('reads RoomStats total, else displayValue', () => {
    expect(viewersOf(roomStats(0))).toBeUndefined();
    expect(viewersOf({ ...roomStats(0), displayValue: 42 })).toBe(42);
    expect(viewersOf({ ...roomStats(7), displayValue: 42 })).toBe(7);
  });

  it('takes the pipeline output directly', () => {
    const frames = scenario().viewers(10).after('1s').viewers(10).after('1s').viewers(12).toFrames();
    createTestScheduler().run(({ cold, expectObservable }) => {
      const bytes = cold('a-b-c|', { a: frames[0]!.bytes, b: frames[1]!.bytes, c: frames[2]!.bytes });
      expectObservable(bytes.pipe(livePipeline(), viewerCount())).toBe('a---c|', { a: 10, c: 12 });
    });
  });
});
