import { decodeEnvelope } from '../../packages/core/src/messages/envelope.js';
import type { wire } from '../../packages/core/src/index.js';
import {
  batchSource,
  encodeCursor,
  mulberry32,
  startSimulator,
  type ScenarioSourceOptions,
} from '@douyin-live/simulator';
import { decodeWire, messageFactory } from '@douyin-live/testing';
import { FAST_SCENARIO, fetchTtwid, PushClient, pushUrl } from './helpers.js';

const ROOM = '7400000000000000001';

/** Runs a simulator until its live ends and returns what a client connected from r-0 received, decoded. */
async function receiveAll(scenario: ScenarioSourceOptions): Promise<unknown[]> {
  const sim = await startSimulator({ scenario, speed: 10 });
  try {
    await sim.allEnded();
    const client = new PushClient(pushUrl(sim, { roomId: ROOM, cursor: encodeCursor(0, Date.now()) }), {
      cookie: `ttwid=${await fetchTtwid(sim)}; sessionid=abc`,
    });
    const total = sim.timeline().length;
    await client.until(() => client.messages.length >= total);
    await client.close();
    // Everything but the wall-clock create_time, and with the raw wire object left out.
    return client.messages.map((m) => {
      const decoded = decodeEnvelope({ method: m.method, msgId: m.msgId, payload: m.payload } as wire.Message);
      const { raw: _raw, createTime: _t, ...rest } = decoded as unknown as Record<string, unknown>;
      return JSON.parse(JSON.stringify(rest, (k, v: unknown) => (k === 'raw' ? undefined : v))) as unknown;
    });
  } finally {
    await sim.close();
  }
}

describe('simulator scenario', () => {
  it('mulberry32 is reproducible', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    expect(Array.from({ length: 5 }, a)).toEqual(Array.from({ length: 5 }, b));
    expect(mulberry32(1)()).not.toBe(mulberry32(2)());
  });

  it('produces the same messages twice with the same seed, different ones with another seed', async () => {
    const scenario = { ...FAST_SCENARIO, seed: 7, messageLimit: 120 };
    const first = await receiveAll(scenario);
    const second = await receiveAll(scenario);
    expect(first).toHaveLength(124); // 3 history chats + 120 + ControlMessage
    expect(second).toEqual(first);
    const other = await receiveAll({ ...scenario, seed: 8 });
    expect(other).not.toEqual(first);
  });

  it('generates every kind of message, with gift combo streaks', async () => {
    const sim = await startSimulator({ scenario: { ...FAST_SCENARIO, messageLimit: 400, maxCombo: 6 }, speed: 10 });
    try {
      await sim.allEnded();
      const messages = sim.timeline().map((e) => e.message!);
      const methods = new Set(messages.map((m) => m.method));
      for (const method of [
        'WebcastChatMessage',
        'WebcastGiftMessage',
        'WebcastLikeMessage',
        'WebcastMemberMessage',
        'WebcastSocialMessage',
        'WebcastRoomUserSeqMessage',
        'WebcastRoomStatsMessage',
        'WebcastControlMessage',
      ]) {
        expect(methods).toContain(method);
      }
      const social = messages.filter((m) => m.method === 'WebcastSocialMessage');
      const actions = new Set(social.map((m) => decodeWire('SocialMessage', m.payload).action));
      expect(actions).toEqual(new Set(['1', '3']));
      // Streaks: same group_id, growing repeat_count, repeat_end only on the last one.
      const gifts = messages
        .filter((m) => m.method === 'WebcastGiftMessage')
        .map((m) => decodeWire('GiftMessage', m.payload));
      const byGroup = new Map<string, wire.GiftMessage[]>();
      for (const g of gifts) byGroup.set(g.groupId, [...(byGroup.get(g.groupId) ?? []), g]);
      const finished = [...byGroup.values()].filter((streak) => streak.at(-1)?.repeatEnd === 1);
      expect(finished.some((streak) => streak.length > 1)).toBe(true);
      for (const streak of finished) {
        const counts = streak.map((g) => Number(g.repeatCount));
        expect(counts).toEqual([...counts].sort((a, b) => a - b));
        expect(new Set(counts).size).toBe(counts.length);
        expect(streak.slice(0, -1).every((g) => g.repeatEnd === 0)).toBe(true);
        expect(new Set(streak.map((g) => g.user?.nickname)).size).toBe(1);
      }
    } finally {
      await sim.close();
    }
  });

  it('plays a SimulatorSource of pre-built batches at their pace, then ends the live', async () => {
    const f = messageFactory({ roomId: ROOM });
    const sim = await startSimulator({
      source: batchSource([
        { atMs: 0, messages: [f.chat('小明', '一')] },
        { atMs: 20, messages: [f.chat('阿花', '二'), f.like('阿花', 3, 3)] },
      ]),
      historySize: 0,
    });
    try {
      await sim.allEnded();
      expect(sim.timeline().map((e) => e.message?.method)).toEqual([
        'WebcastChatMessage',
        'WebcastChatMessage',
        'WebcastLikeMessage',
        'WebcastControlMessage',
      ]);
      expect(sim.timeline().map((e) => e.batch)).toEqual([1, 2, 2, 3]);
    } finally {
      await sim.close();
    }
  });
});
