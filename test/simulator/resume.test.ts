import { encodeCursor, startSimulator, type Simulator } from '@douyin-live/simulator';
import { FAST_SCENARIO, fetchTtwid, PushClient, pushUrl } from './helpers.js';

const ROOM = '7400000000000000001';

describe('simulator resume', () => {
  let sim: Simulator | undefined;
  const clients: PushClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim?.close();
    sim = undefined;
  });
  const connect = async (s: Simulator, cursor?: string) => {
    const c = new PushClient(pushUrl(s, cursor === undefined ? { roomId: ROOM } : { roomId: ROOM, cursor }), {
      cookie: `ttwid=${await fetchTtwid(s)}`,
    });
    clients.push(c);
    await c.opened;
    return c;
  };
  const timelineIds = (s: Simulator) => s.timeline().flatMap((e) => (e.message ? [e.message.msgId] : []));

  it('keeps the room going while nobody is connected, and delivers the backlog since the cursor once', async () => {
    sim = await startSimulator({ scenario: FAST_SCENARIO });
    const first = await connect(sim);
    await first.until(() => first.messages.length >= 20);
    await first.close();
    const cursor = first.lastCursor!;
    const seenBefore = first.messages.map((m) => m.msgId);
    // The room goes on without listeners.
    const lastSeq = sim.timeline().at(-1)!.seq;
    await sim.waitFor((s) => s.roomSeq['261378947940']! >= lastSeq + 30);
    const second = await connect(sim, cursor);
    await second.until(() => second.messages.length >= 40);
    const all = [...seenBefore, ...second.messages.map((m) => m.msgId)];
    // Nothing twice, nothing missing: together they are a prefix of the room timeline after the history.
    expect(new Set(all).size).toBe(all.length);
    const ids = timelineIds(sim);
    const start = ids.indexOf(all[0]!);
    expect(all).toEqual(ids.slice(start, start + all.length));
    expect(sim.stats.connections[1]?.resumedAfter).toBeGreaterThan(0);
  });

  it('re-sends n already-delivered messages after a reconnect with resend', async () => {
    sim = await startSimulator({ scenario: FAST_SCENARIO, resend: 4 });
    const first = await connect(sim);
    await first.until(() => first.messages.length >= 10);
    await first.close();
    const seen = first.messages.map((m) => m.msgId);
    const second = await connect(sim, first.lastCursor);
    await second.until(() => second.messages.length >= 10);
    const again = second.messages.slice(0, 4).map((m) => m.msgId);
    expect(again).toEqual(seen.slice(-4));
    expect(second.messages[4]?.msgId).not.toBe(seen.at(-1));
    const sent = sim.stats.messagesSent['261378947940']!.filter((m) => m.connectionId === 2);
    expect(sent.slice(0, 5).map((m) => m.resent)).toEqual([true, true, true, true, false]);
  });

  it('treats a cursor it did not issue as a new connection (history first)', async () => {
    sim = await startSimulator({ scenario: { tickMs: 10_000 } });
    const c = await connect(sim, 'd-1_u-1_fh-7392091211001140287_t-1721106114633_r-1');
    await c.until(() => c.messages.length >= 3);
    expect(c.messages.map((m) => m.msgId)).toEqual(timelineIds(sim));
    expect(sim.stats.connections[0]?.resumedAfter).toBeUndefined();
  });

  it('replays the whole retained timeline for the cursor r-0', async () => {
    sim = await startSimulator({ scenario: { ...FAST_SCENARIO, messageLimit: 30 }, historySize: 1 });
    await sim.allEnded();
    const c = await connect(sim, encodeCursor(0, Date.now()));
    await c.until(() => c.messages.length >= 34);
    expect(c.messages.map((m) => m.msgId)).toEqual(timelineIds(sim));
  });
});
