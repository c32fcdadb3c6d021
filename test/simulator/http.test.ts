import { parseEnterResponse, parseRoomPage } from '../../packages/core/src/room/parseRoomPage.js';
import { pushServerFromFetch } from '../../packages/core/src/room/pushParams.js';
import { parseCursorSeq, startSimulator, type Simulator } from '@douyin-live/simulator';
import { decodeWire } from '@douyin-live/testing';
import { FAST_SCENARIO, get, ttwidOf } from './helpers.js';

const ROOM = '7400000000000000001';
const WEB_RID = '261378947940';

describe('simulator HTTP side', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ title: '测试直播间', anchor: { nickname: '测试主播' }, scenario: { tickMs: 10 } });
  });
  afterAll(() => sim.close());

  it('listens on loopback with one base URL for HTTP and WebSocket', () => {
    expect(sim.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.wsUrl).toBe(`${sim.httpUrl.replace('http:', 'ws:')}/webcast/im/push/v2/`);
    expect(sim.port).toBeGreaterThan(0);
  });

  it('GET / sets a ttwid cookie', async () => {
    const answer = await get(`${sim.httpUrl}/`);
    expect(answer.status).toBe(200);
    expect(ttwidOf(answer.headers)).toMatch(/^1%7C[\w-]{43}%7C\d+%7C[0-9a-f]{64}$/);
  });

  it('serves the room page in the current __pace_f format, with a ttwid for a visitor without one', async () => {
    const answer = await get(`${sim.httpUrl}/${WEB_RID}`);
    expect(answer.status).toBe(200);
    const html = answer.body.toString('utf8');
    expect(html).toContain('self.__pace_f.push');
    expect(html).not.toContain('RENDER_DATA');
    const ttwid = ttwidOf(answer.headers);
    expect(ttwid).toBeDefined();
    const page = parseRoomPage(html);
    expect(page).toMatchObject({
      found: true,
      format: 'pace_f',
      roomId: ROOM,
      status: 2,
      title: '测试直播间',
      anchor: { nickname: '测试主播' },
    });
    // The visitor id is paired with the ttwid: the same cookie gets the same id again.
    const again = parseRoomPage((await get(`${sim.httpUrl}/${WEB_RID}`, { Cookie: `ttwid=${ttwid}` })).body.toString());
    expect(again.found && again.userUniqueId).toBe(page.found && page.userUniqueId);
  });

  it('does not set a ttwid when the request carries one', async () => {
    const answer = await get(`${sim.httpUrl}/${WEB_RID}`, { Cookie: 'ttwid=abc' });
    expect(answer.headers['set-cookie']).toBeUndefined();
  });

  it('answers 404 for an unknown room', async () => {
    const answer = await get(`${sim.httpUrl}/999999`);
    expect(answer.status).toBe(404);
    expect(ttwidOf(answer.headers)).toBeDefined();
  });

  it('serves the web/enter JSON of a live room', async () => {
    const answer = await get(`${sim.httpUrl}/webcast/room/web/enter/?aid=6383&web_rid=${WEB_RID}`, {
      Cookie: 'ttwid=abc',
    });
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    const json = JSON.parse(answer.body.toString()) as {
      data: { data: Array<{ status: number }>; room_status: number };
    };
    expect(json.data.data[0]?.status).toBe(2);
    expect(json.data.room_status).toBe(0);
    expect(parseEnterResponse(json)).toMatchObject({ ok: true, roomId: ROOM, live: true, title: '测试直播间' });
    const enter = parseEnterResponse(json);
    expect(enter.ok && Object.keys(enter.streamUrls.flv).length).toBeGreaterThan(0);
  });

  it('answers web/enter for an unknown web_rid with status_code 4001038', async () => {
    const json = JSON.parse((await get(`${sim.httpUrl}/webcast/room/web/enter/?web_rid=1`)).body.toString()) as {
      status_code: number;
    };
    expect(json.status_code).toBe(4001038);
  });

  it('serves im/fetch as a protobuf Response with cursor, internal_ext and push server', async () => {
    const answer = await get(`${sim.httpUrl}/webcast/im/fetch/?room_id=${ROOM}&user_unique_id=7319483754668557238`, {
      Cookie: 'ttwid=abc',
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/protobuf');
    const response = decodeWire('Response', answer.body);
    expect(parseCursorSeq(response.cursor)).toBeGreaterThanOrEqual(3);
    expect(response.internalExt).toContain(`wss_push_room_id:${ROOM}`);
    expect(response.internalExt).toContain('wss_push_did:7319483754668557238');
    expect(response.messages.length).toBeGreaterThan(0);
    expect(response.fetchInterval).toBe('1000');
    expect(pushServerFromFetch(response)).toBe(sim.wsUrl.replace('/webcast/im/push/v2/', ''));
    // Messages handed out by im/fetch count as delivered.
    const fetched = (sim.stats.messagesSent[WEB_RID] ?? []).filter((m) => m.via === 'fetch');
    expect(fetched.map((m) => m.msgId)).toEqual(response.messages.map((m) => m.msgId));
  });

  it('counts HTTP requests by path', () => {
    expect(sim.stats.httpRequests['/']).toBeGreaterThanOrEqual(1);
    expect(sim.stats.httpRequests[`/${WEB_RID}`]).toBeGreaterThanOrEqual(3);
    expect(sim.stats.httpRequests['/webcast/im/fetch/']).toBe(1);
  });
});

describe('simulator page formats and live end', () => {
  it('serves the old RENDER_DATA page (URL-encoded JSON) by option', async () => {
    const sim = await startSimulator({ page: 'render-data' });
    try {
      const html = (await get(`${sim.httpUrl}/${WEB_RID}`)).body.toString();
      const encoded = /<script id="RENDER_DATA" type="application\/json">([^<]+)<\/script>/.exec(html)?.[1] ?? '';
      const data = JSON.parse(decodeURIComponent(encoded)) as {
        app: {
          initialState: {
            roomStore: { roomInfo: { roomId: string; room: { title: string; user_count_str: string } } };
          };
        };
      };
      expect(data.app.initialState.roomStore.roomInfo.roomId).toBe(ROOM);
      expect(data.app.initialState.roomStore.roomInfo.room.title).toBe('模拟直播间');
      expect(data.app.initialState.roomStore.roomInfo.room.user_count_str).toBe('1.2万');
      expect(parseRoomPage(html)).toMatchObject({ found: true, format: 'render_data', roomId: ROOM });
    } finally {
      await sim.close();
    }
  });

  it('serves a risk-control page without room data (HTTP 200, __ac_nonce) by option', async () => {
    const sim = await startSimulator({ page: 'risk' });
    try {
      const answer = await get(`${sim.httpUrl}/${WEB_RID}`);
      expect(answer.status).toBe(200);
      expect(answer.headers['set-cookie']?.some((c) => c.startsWith('__ac_nonce='))).toBe(true);
      expect(parseRoomPage(answer.body.toString())).toMatchObject({ found: false, reason: 'risk_control' });
    } finally {
      await sim.close();
    }
  });

  it('delays the page by slowPage ms', async () => {
    const sim = await startSimulator({ slowPage: 60 });
    try {
      const started = Date.now();
      expect((await get(`${sim.httpUrl}/${WEB_RID}`)).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    } finally {
      await sim.close();
    }
  });

  it('reports status 4 on web/enter and the page after the live ends', async () => {
    const sim = await startSimulator({ scenario: { ...FAST_SCENARIO, messageLimit: 5 } });
    try {
      await sim.allEnded();
      const json = JSON.parse((await get(`${sim.httpUrl}/webcast/room/web/enter/?web_rid=${WEB_RID}`)).body.toString());
      expect(parseEnterResponse(json)).toMatchObject({ ok: true, status: 4, live: false });
      expect(parseRoomPage((await get(`${sim.httpUrl}/${WEB_RID}`)).body.toString())).toMatchObject({ status: 4 });
      const last = sim.timeline().at(-1);
      expect(last?.message?.method).toBe('WebcastControlMessage');
      expect(decodeWire('ControlMessage', last!.message!.payload).action).toBe('3');
    } finally {
      await sim.close();
    }
  });

  it('hosts several rooms with distinct web_rids and room ids', async () => {
    const sim = await startSimulator({
      rooms: [
        { webRid: 'room-a', roomId: '7400000000000000011', title: 'A' },
        { webRid: 'room-b', roomId: '7400000000000000022', title: 'B', page: 'render-data' },
      ],
    });
    try {
      expect(parseRoomPage((await get(`${sim.httpUrl}/room-a`)).body.toString())).toMatchObject({
        roomId: '7400000000000000011',
        title: 'A',
        format: 'pace_f',
      });
      expect(parseRoomPage((await get(`${sim.httpUrl}/room-b`)).body.toString())).toMatchObject({
        roomId: '7400000000000000022',
        title: 'B',
        format: 'render_data',
      });
      expect(sim.rooms.map((r) => r.pageUrl)).toEqual([`${sim.httpUrl}/room-a`, `${sim.httpUrl}/room-b`]);
    } finally {
      await sim.close();
    }
  });

  it('rejects options that would not work', async () => {
    await expect(startSimulator({ closeCode: 1005 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(
      startSimulator({
        rooms: [
          { webRid: 'a', roomId: '1' },
          { webRid: 'a', roomId: '2' },
        ],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(startSimulator({ scenario: { tickMs: 0 } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
