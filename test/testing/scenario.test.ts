import { map } from 'rxjs';
import { decodeEnvelope } from '../../packages/core/src/messages/envelope.js';
import type { GiftMessage, LiveMessage } from '../../packages/core/src/messages/types.js';
import { livePipeline } from '../../packages/core/src/pipeline/livePipeline.js';
import {
  createTestScheduler,
  decodeWire,
  encodeWire,
  parseDuration,
  playFrames,
  scenario,
  userIdFor,
  type ScenarioMessage,
} from '@douyin-live/testing';

const friendlyOf = (m: ScenarioMessage) =>
  decodeEnvelope(decodeWire('Message', encodeWire('Message', m.message))) as LiveMessage & Record<string, unknown>;

describe('scenario', () => {
  it('writes a session as data: messages in order, with their times and create_time', () => {
    const messages = scenario({ startTime: 1_000_000 })
      .chat('alice', '!hello')
      .member('bob')
      .after('250ms')
      .like('carol', 5)
      .follow('dave')
      .share('erin')
      .after('1m')
      .viewers(42)
      .end()
      .toMessages();
    expect(messages.map((m) => [m.atMs, m.method])).toEqual([
      [0, 'WebcastChatMessage'],
      [0, 'WebcastMemberMessage'],
      [250, 'WebcastLikeMessage'],
      [250, 'WebcastSocialMessage'],
      [250, 'WebcastSocialMessage'],
      [60_250, 'WebcastRoomUserSeqMessage'],
      [60_250, 'WebcastControlMessage'],
    ]);
    const decoded = messages.map(friendlyOf);
    expect(decoded[0]).toMatchObject({ content: '!hello', createTime: 1_000_000, user: { id: userIdFor('alice') } });
    expect(decoded[2]).toMatchObject({ count: 5, total: 5, createTime: 1_000_250 });
    expect(decoded.slice(3, 5).map((m) => m['type'])).toEqual(['follow', 'share']);
    expect(decoded[5]).toMatchObject({ total: 42 });
    expect(decoded[6]).toMatchObject({ action: 3, liveEnded: true });
    expect(new Set(messages.map((m) => m.msgId)).size).toBe(messages.length);
  });

  it('expands a combo into its streak: shared group id, growing repeatCount, repeat_end on the last', () => {
    const s = scenario({ comboInterval: '100ms' })
      .gift('bob', 'Rose', { combo: 3, diamonds: 2 })
      .gift('carol', 'Lion', { combo: 2, endMarker: false, interval: 500 });
    const gifts = s.toMessages().map(friendlyOf) as unknown as GiftMessage[];
    const bob = gifts.filter((g) => g.user.nickname === 'bob');
    expect(bob.map((g) => [g.repeatCount, g.repeatEnd, g.gift.diamondCount, g.gift.combo])).toEqual([
      [1, false, 2, true],
      [2, false, 2, true],
      [3, true, 2, true],
    ]);
    expect(new Set(bob.map((g) => g.groupId)).size).toBe(1);
    expect(bob[0]!.groupId).not.toBe('0');
    // Interleaved in time: bob at 0/100/200, carol at 0/500; carol's streak never gets its end marker.
    expect(s.toMessages().map((m) => m.atMs)).toEqual([0, 0, 100, 200, 500]);
    expect(gifts.filter((g) => g.user.nickname === 'carol').map((g) => g.repeatEnd)).toEqual([false, false]);
    expect(s.toGiftStreaks()).toEqual([
      expect.objectContaining({ nickname: 'bob', total: 3, diamonds: 6, endMarker: true, groupId: bob[0]!.groupId }),
      expect.objectContaining({ nickname: 'carol', total: 2, diamonds: 2, endMarker: false }),
    ]);
  });

  it('sends non-combo gifts as Douyin does: one message, group id 0, no repeat_end', () => {
    const [lamp] = scenario().gift('dave', '粉丝团灯牌', { single: true, diamonds: 0 }).toMessages().map(friendlyOf);
    expect(lamp).toMatchObject({ groupId: '0', repeatEnd: false, repeatCount: 1, gift: { combo: false } });
    const [heart] = scenario().gift('x', '小心心').toMessages().map(friendlyOf);
    expect(heart).toMatchObject({ giftId: '463', gift: { name: '小心心' }, repeatEnd: true });
  });

  it('batches messages due together into frames of messagesPerFrame that the pipeline decodes', () => {
    const s = scenario({ messagesPerFrame: 2 }).chat('a', '1').chat('b', '2').chat('c', '3').after(10).chat('d', '4');
    const frames = s.toTimedFrames();
    expect(frames.map((f) => [f.atMs, f.messages.length])).toEqual([
      [0, 2],
      [0, 1],
      [10, 1],
    ]);
    expect(new Set(frames.map((f) => f.logId)).size).toBe(3);
    const contents: unknown[] = [];
    createTestScheduler().run(({ flush }) => {
      playFrames(s.toFrames())
        .pipe(livePipeline())
        .subscribe((m) => contents.push((m as { content?: string }).content));
      flush();
    });
    expect(contents).toEqual(['1', '2', '3', '4']);
  });

  it('plays its frames on a scheduler, completing at the end of the session', () => {
    const s = scenario().chat('a', '1').after('5ms').chat('b', '2').after('10ms');
    const frames = s.toFrames();
    createTestScheduler().run(({ expectObservable }) => {
      const out$ = s.toObservable().pipe(map((bytes) => frames.findIndex((f) => Buffer.from(f.bytes).equals(bytes))));
      expectObservable(out$).toBe('a 4ms b 9ms |', { a: 0, b: 1 });
    });
    expect(s.toSource()).toMatchObject({ durationMs: 15, roomId: '7400000000000000001' });
    expect(s.toSource().batches.map((b) => [b.atMs, b.messages.length])).toEqual([
      [0, 1],
      [5, 1],
    ]);
  });

  it('places end() after everything already scheduled, and keeps ids apart by seed', () => {
    const s = scenario().gift('a', 'Rose', { combo: 3, interval: '1s' }).end();
    expect(s.toMessages().at(-1)).toMatchObject({ atMs: 2_000, method: 'WebcastControlMessage' });
    const id1 = scenario({ seed: 1 }).chat('a', 'x').toMessages()[0]!.msgId;
    const id2 = scenario({ seed: 2 }).chat('a', 'x').toMessages()[0]!.msgId;
    expect(id1).not.toBe(id2);
  });

  it('parses durations and rejects bad input', () => {
    expect([parseDuration('250ms'), parseDuration('30s'), parseDuration('5m'), parseDuration('1h')]).toEqual([
      250, 30_000, 300_000, 3_600_000,
    ]);
    expect(parseDuration(1.5)).toBe(2);
    expect(() => parseDuration('soon')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => parseDuration(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => scenario().gift('a', 'Rose', { combo: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
