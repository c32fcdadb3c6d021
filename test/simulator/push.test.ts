import { gunzipSync } from 'node:zlib';
import { EMPTY_GZIP_BODY, startSimulator, type Simulator } from '@douyin-live/simulator';
import { decodeWire } from '@douyin-live/testing';
import { ackFrame, FAST_SCENARIO, fetchTtwid, PushClient, pushUrl } from './helpers.js';

const ROOM = '7400000000000000001';

describe('simulator push socket', () => {
  let sim: Simulator | undefined;
  const clients: PushClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await sim?.close();
  });
  const open = async (
    options: Parameters<typeof startSimulator>[0],
    client: Partial<ConstructorParameters<typeof PushClient>[1]> = {},
  ) => {
    sim = await startSimulator(options);
    const c = new PushClient(pushUrl(sim, { roomId: ROOM }), { cookie: `ttwid=${await fetchTtwid(sim)}`, ...client });
    clients.push(c);
    await c.opened;
    return { sim, client: c };
  };

  it('pushes gzip msg frames with compress_type, im-cursor and im-internal_ext headers and need_ack', async () => {
    const { client } = await open({ scenario: FAST_SCENARIO });
    await client.until(() => client.frames.length >= 3);
    const frame = client.frames[1];
    if (frame === undefined || frame === 'undecodable') throw new Error('no frame');
    expect(frame.payloadType).toBe('msg');
    expect(frame.headers['compress_type']).toBe('gzip');
    expect(frame.headers['im-cursor']).toMatch(/^t-\d+_r-\d+_d-1_u-1$/);
    expect(frame.headers['im-internal_ext']).toMatch(/^internal_src:pushserver\|first_req_ms:\d+\|wss_msg_type:r\|/);
    expect(frame.headers['im-now']).toMatch(/^\d+$/);
    expect([frame.payload[0], frame.payload[1]]).toEqual([0x1f, 0x8b]);
    const response = decodeWire('Response', gunzipSync(frame.payload));
    expect(response.needAck).toBe(true);
    expect(response.cursor).toBe(frame.headers['im-cursor']);
    expect(response.internalExt).toMatch(/^internal_src:dim\|wss_push_room_id:7400000000000000001\|/);
  });

  it('counts acks and matches each one with its frame’s logId and im-internal_ext', async () => {
    const { sim, client } = await open({ scenario: FAST_SCENARIO });
    await sim.waitFor((s) => s.acks.length >= 5);
    expect(sim.stats.acks.slice(0, 5).every((a) => a.matched && a.connectionId === 1)).toBe(true);
    const first = client.frames[0];
    if (first === undefined || first === 'undecodable') throw new Error('no frame');
    // Acking with the body's internal_ext, an unknown log id or the same frame twice does not match.
    const body = decodeWire('Response', gunzipSync(first.payload)).internalExt;
    const second = client.frames[1];
    if (second === undefined || second === 'undecodable') throw new Error('no frame');
    client.ws.send(ackFrame(first.logId, first.headers['im-internal_ext'] ?? ''));
    client.ws.send(ackFrame('123', 'x'));
    client.ws.send(ackFrame(second.logId, 'nonsense'));
    const before = sim.stats.acks.length;
    await sim.waitFor((s) => s.acks.filter((a) => !a.matched).length >= 3);
    const reasons = sim.stats.acks
      .slice(before)
      .filter((a) => !a.matched)
      .map((a) => a.reason);
    expect(reasons).toEqual(expect.arrayContaining(['duplicate', 'unknown-log-id']));
    expect(body).not.toBe(first.headers['im-internal_ext']);
  });

  it('reports an ack carrying the body internal_ext (older clients) as not matched', async () => {
    const { sim, client } = await open({ scenario: { tickMs: 10_000 } }, { ack: false });
    await client.until(() => client.frames.length >= 1);
    const first = client.frames[0];
    if (first === undefined || first === 'undecodable') throw new Error('no frame');
    client.ws.send(ackFrame(first.logId, decodeWire('Response', gunzipSync(first.payload)).internalExt));
    await sim.waitFor((s) => s.acks.length === 1);
    expect(sim.stats.acks[0]).toEqual({
      connectionId: 1,
      logId: first.logId,
      matched: false,
      reason: 'body-internal-ext',
    });
  });

  it('answers each hb with an hb frame carrying the empty gzip body of the capture', async () => {
    const { sim, client } = await open({ scenario: { tickMs: 10_000 } }, { heartbeatMs: 10 });
    await sim.waitFor((s) => s.heartbeats >= 3 && s.hbAnswers >= 3);
    await client.until(() => client.frames.filter((f) => f !== 'undecodable' && f.payloadType === 'hb').length >= 2);
    const hb = client.frames.find((f) => f !== 'undecodable' && f.payloadType === 'hb');
    if (hb === undefined || hb === 'undecodable') throw new Error('no hb');
    expect(Buffer.from(hb.payload).toString('hex')).toBe('1f8b08000000000000ff000000ffff010000ffff0000000000000000');
    expect(gunzipSync(EMPTY_GZIP_BODY).length).toBe(0);
    expect(sim.stats.framesSent.hb).toBe(sim.stats.hbAnswers);
  });

  it('drops a client that sends no heartbeat (1006) and keeps one that does', async () => {
    // 25x the lively client's heartbeat interval, so a loaded machine's event-loop stalls do not drop it too.
    const { sim, client } = await open({ scenario: { tickMs: 10_000 }, heartbeatTimeoutMs: 500 });
    const lively = new PushClient(pushUrl(sim, { roomId: ROOM }), {
      cookie: `ttwid=${await fetchTtwid(sim)}`,
      heartbeatMs: 20,
    });
    clients.push(lively);
    expect(await client.closed).toBe(1006);
    await sim.waitFor((s) => s.connections[0]?.closed === true);
    expect(sim.stats.connections[0]).toMatchObject({ closed: true, closeCode: 1006, closeCause: 'heartbeat-timeout' });
    await sim.waitFor((s) => s.heartbeats >= 8);
    expect(sim.stats.connections[1]?.closed).toBe(false);
  });

  it('pings, counts pongs, and terminates a client that does not answer pings (1006)', async () => {
    // A pong timeout well above the ping interval, so a loaded machine does not also drop the answering client.
    const { sim } = await open({ scenario: { tickMs: 10_000 }, pingIntervalMs: 10, pongTimeoutMs: 400 });
    await sim.waitFor((s) => s.pongsReceived >= 3);
    const mute = new PushClient(pushUrl(sim, { roomId: ROOM }), {
      cookie: `ttwid=${await fetchTtwid(sim)}`,
      autoPong: false,
    });
    clients.push(mute);
    expect(await mute.closed).toBe(1006);
    await sim.waitFor((s) => s.connections[1]?.closed === true);
    expect(sim.stats.connections[1]).toMatchObject({ closeCause: 'pong-timeout', closeCode: 1006 });
    expect(sim.stats.connections[0]?.closed).toBe(false);
    expect(sim.stats.pingsSent).toBeGreaterThan(sim.stats.pongsReceived - 1);
  });

  it('ends the live with ControlMessage action 3 after messageLimit', async () => {
    const { sim, client } = await open({ scenario: { ...FAST_SCENARIO, messageLimit: 40, historyMessages: 0 } });
    await client.until(() => client.ofMethod('WebcastControlMessage').length === 1);
    const control = client.ofMethod('WebcastControlMessage')[0]!;
    expect(decodeWire('ControlMessage', control.payload).action).toBe('3');
    expect(sim.liveEnded()).toBe(true);
    expect(sim.timeline().length).toBe(41);
  });

  it("starts the live at the first connection with liveStarts: 'on-first-connection', not before", async () => {
    sim = await startSimulator({
      scenario: { ...FAST_SCENARIO, messageLimit: 40, historyMessages: 3 },
      liveStarts: 'on-first-connection',
    });
    // Nothing happens in the room before anyone joins: not even the history is there, let alone the end.
    expect(sim.timeline()).toEqual([]);
    expect(sim.liveEnded()).toBe(false);
    const late = new PushClient(pushUrl(sim, { roomId: ROOM }), { cookie: `ttwid=${await fetchTtwid(sim)}` });
    clients.push(late);
    await late.until(() => late.ofMethod('WebcastControlMessage').length === 1);
    // The client saw the whole live: the history, the 40 messages and the end.
    expect(sim.timeline().length).toBe(3 + 40 + 1);
    expect(new Set(late.messages.map((m) => m.msgId)).size).toBe(3 + 40 + 1);
  });

  it('rejects an unknown liveStarts with INVALID_ARGUMENT', async () => {
    await expect(startSimulator({ liveStarts: 'later' as 'at-listen' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('ends the live after durationMs, and on endLive()', async () => {
    const { sim } = await open({ scenario: { ...FAST_SCENARIO, durationMs: 50 } });
    await sim.allEnded();
    expect(sim.liveEnded()).toBe(true);
    const sim2 = await startSimulator({});
    try {
      expect(sim2.liveEnded()).toBe(false);
      sim2.endLive();
      expect(sim2.liveEnded()).toBe(true);
      expect(sim2.timeline().at(-1)?.message?.method).toBe('WebcastControlMessage');
    } finally {
      await sim2.close();
    }
  });

  it('records every message sent, per room and per connection, in order', async () => {
    const { sim, client } = await open({ scenario: FAST_SCENARIO });
    await client.until(() => client.messages.length >= 30);
    await client.close();
    const sent = sim.stats.messagesSent['261378947940'] ?? [];
    expect(sent.map((m) => m.msgId)).toEqual(sim.stats.connections[0]?.msgIds);
    expect(client.messages.map((m) => m.msgId)).toEqual(sent.map((m) => m.msgId).slice(0, client.messages.length));
    expect(sim.stats.framesSent.msg).toBe(sim.stats.connections[0]?.msgFrames);
    await sim.waitFor((s) => s.connections[0]?.closed === true);
    expect(sim.stats.connections[0]?.closeCode).toBe(1006);
  });
});
