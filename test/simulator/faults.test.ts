import { startSimulator, type Simulator, type SimulatorOptions } from '@douyin-live/simulator';
import { FAST_SCENARIO, fetchTtwid, PushClient, pushUrl } from './helpers.js';

const ROOM = '7400000000000000001';

describe('simulator faults', () => {
  let sim: Simulator | undefined;
  const clients: PushClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim?.close();
    sim = undefined;
  });
  const start = async (options: SimulatorOptions) => {
    sim = await startSimulator({ scenario: FAST_SCENARIO, ...options });
    return sim;
  };
  const connect = async (s: Simulator, cursor?: string) => {
    const c = new PushClient(pushUrl(s, cursor === undefined ? { roomId: ROOM } : { roomId: ROOM, cursor }), {
      cookie: `ttwid=${await fetchTtwid(s)}`,
    });
    clients.push(c);
    return c;
  };
  const msgFrames = (c: PushClient) => c.frames.filter((f) => f !== 'undecodable' && f.payloadType === 'msg').length;

  it('drops the first connection after n frames without a close frame (1006); the reconnect is not dropped', async () => {
    const s = await start({ dropAfter: 3 });
    const first = await connect(s);
    expect(await first.closed).toBe(1006);
    expect(msgFrames(first)).toBe(3);
    await s.waitFor((st) => st.connections[0]?.closed === true);
    expect(s.stats.connections[0]).toMatchObject({ closeCause: 'fault-drop', faulty: true, msgFrames: 3 });
    const second = await connect(s, first.lastCursor);
    await second.until(() => msgFrames(second) >= 6);
    expect(s.stats.connections[1]).toMatchObject({ faulty: false, closed: false });
  });

  it('applies drop faults to faultConnections connections', async () => {
    const s = await start({ dropAfter: 1, faultConnections: 2 });
    for (let k = 0; k < 2; k++) expect(await (await connect(s)).closed).toBe(1006);
    const third = await connect(s);
    await third.until(() => msgFrames(third) >= 3);
  });

  it('stalls after n frames: the socket stays open, nothing more is sent, hb is not answered', async () => {
    const s = await start({ stallAfter: 2, pingIntervalMs: 5 });
    const c = await connect(s);
    await c.until(() => msgFrames(c) >= 2);
    const pings = s.stats.pingsSent;
    c.sendHeartbeat();
    await s.waitFor((st) => st.heartbeats >= 1);
    await new Promise((r) => setTimeout(r, 60));
    expect(c.frames.length).toBe(2);
    expect(s.stats.hbAnswers).toBe(0);
    expect(s.stats.pingsSent).toBe(pings);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    expect(s.stats.connections[0]?.closed).toBe(false);
  });

  it.each([1001, 1012, 1013, 4000])('closes with code %i after n frames', async (code) => {
    const s = await start({ closeAfter: 2, closeCode: code });
    const c = await connect(s);
    expect(await c.closed).toBe(code);
    expect(msgFrames(c)).toBe(2);
    await s.waitFor((st) => st.connections[0]?.closed === true);
    expect(s.stats.connections[0]).toMatchObject({ closeCode: code, closeCause: 'fault-close' });
  });

  it('closeCode 1006 terminates the socket instead (it cannot be sent)', async () => {
    const s = await start({ closeAfter: 1, closeCode: 1006 });
    expect(await (await connect(s)).closed).toBe(1006);
  });

  it('sends a frame that is not a PushFrame after every n-th frame', async () => {
    const s = await start({ garbageEvery: 2 });
    const c = await connect(s);
    await c.until(() => msgFrames(c) >= 6);
    expect(c.frames.filter((f) => f === 'undecodable').length).toBeGreaterThanOrEqual(3);
    expect(c.failures).toContain('FRAME_DECODE_FAILED');
    // The extra frames come in addition: no message is lost.
    expect(c.frames[2]).toBe('undecodable');
    expect(s.stats.framesSent.garbage).toBeGreaterThanOrEqual(3);
  });

  it('sends a frame whose gzip payload is corrupt after every n-th frame', async () => {
    const s = await start({ corruptGzipEvery: 3 });
    const c = await connect(s);
    await c.until(() => c.failures.length >= 2);
    expect(c.failures.every((code) => code === 'GZIP_FAILED')).toBe(true);
    expect(s.stats.framesSent.corruptGzip).toBeGreaterThanOrEqual(2);
    // Every timeline message still arrives exactly once.
    const ids = c.messages.map((m) => m.msgId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
