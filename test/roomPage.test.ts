import {
  renderEnterJson,
  renderEnterNotFoundJson,
  renderEnterRiskJson,
  renderPacePage,
  renderRenderDataPage,
  renderRiskControlPage,
} from '@douyin-live/testing';
import { parseEnterResponse, parseRoomPage, type RoomPageResult } from '../packages/core/src/room/index.js';

const ROOM_ID = '7630361251285076745';
const UID = '7412345678901234567';

const ROOM = {
  roomId: ROOM_ID,
  userUniqueId: UID,
  status: 2,
  title: '周末一起听歌 & 聊天',
  anchorNickname: '测试主播',
  userCountStr: '3.4万',
};

/** A JS string literal as the page writes one (JSON-escaped, `&` and `<` as \u escapes). */
function literal(text: string): string {
  return JSON.stringify(text).replace(/[&<>]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function paceScript(chunk: string): string {
  return `<script>self.__pace_f.push([1,${literal(chunk)}])</script>`;
}

function stateRow(id: string, state: unknown): string {
  return `${id}:${JSON.stringify(['$', '$L1', null, { state }])}\n`;
}

function minimalState(roomId = ROOM_ID, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    roomStore: { roomInfo: { roomId, room: { id_str: roomId, status: 2, title: 'mini' } } },
    userStore: { odin: { user_unique_id: UID } },
    ...extra,
  };
}

function expectFound(result: RoomPageResult): Extract<RoomPageResult, { found: true }> {
  if (!result.found) throw new Error(`expected room data, got ${result.reason}: ${result.detail}`);
  return result;
}

describe('parseRoomPage: current __pace_f format', () => {
  it('reads the room, the visitor id, status, title, viewers and anchor', () => {
    const result = parseRoomPage(renderPacePage(ROOM));
    expect(result).toEqual({
      found: true,
      format: 'pace_f',
      roomId: ROOM_ID,
      userUniqueId: UID,
      status: 2,
      title: '周末一起听歌 & 聊天',
      userCount: '3.4万',
      anchor: {
        nickname: '测试主播',
        avatarUrl:
          'https://p3-pc.douyinpic.com/img/avatar/98765432109~100x100.jpeg?from=3067671334&x-expires=1790000000&x-signature=sim',
        id: '98765432109',
        secUid: 'MS4wLjABAAAAsimulatedanchorsecuid0000000000000000',
      },
    });
  });

  it('is not fooled by the category list before roomStore (the §1.3.1 first-match traps)', () => {
    const html = renderPacePage(ROOM);
    // The fixture reproduces the trap: the first id_str and title in the HTML belong to a category.
    expect(/id_str\\":\\"(\d+)\\"/.exec(html)?.[1]).toBe('101');
    expect(/\\"title\\":\\"([^\\]+)\\"/.exec(html)?.[1]).toBe('游戏');
    expect(html.indexOf('recommendCategoryData')).toBeLessThan(html.indexOf('roomStore'));
    const result = expectFound(parseRoomPage(html));
    expect(result.roomId).toBe(ROOM_ID);
    expect(result.title).toBe(ROOM.title);
  });

  it('still matches the older approaches the sheet lists', () => {
    const html = renderPacePage(ROOM);
    expect(/roomId\\":\\"(\d+)\\"/.exec(html)?.[1]).toBe(ROOM_ID);
    expect(/(\{\\"state\\":.*?)]\\n"]\)/.test(html)).toBe(true);
    expect(/"roomStore":(.*?),"linkmicStore"/.test(html.replace(/\\/g, ''))).toBe(true);
    // user_unique_id appears at least three times: an earlier odin row, userStore.odin, a data-value attribute.
    expect(html.match(new RegExp(UID, 'g'))?.length).toBeGreaterThanOrEqual(3);
    expect(html).toContain(`&quot;user_unique_id&quot;:&quot;${UID}&quot;`);
    expect(html).toContain('\\u0026');
  });

  it('round-trips titles that need escaping at every level', () => {
    const title = 'a "quoted" \\ back</script><b>\n\u2028 & 表情[玫瑰]';
    const result = expectFound(parseRoomPage(renderPacePage({ ...ROOM, title })));
    expect(result.title).toBe(title);
  });

  it('reads an ended room (status 4) and a paused one (status 3)', () => {
    expect(expectFound(parseRoomPage(renderPacePage({ ...ROOM, status: 4 }))).status).toBe(4);
    expect(expectFound(parseRoomPage(renderPacePage({ ...ROOM, status: 3 }))).status).toBe(3);
  });

  it('joins a state row split across several chunks', () => {
    const row = stateRow('6', minimalState());
    const cuts = [0, 40, 41, 200, row.length];
    const html = cuts
      .slice(1)
      .map((end, k) => paceScript(row.slice(cuts[k], end)))
      .join('');
    expect(parseRoomPage(html)).toMatchObject({ found: true, format: 'pace_f', roomId: ROOM_ID, userUniqueId: UID });
  });

  it('skips text rows, including ones that look like rows or mention roomStore, by char or byte length', () => {
    const trap = `x\n9:["$","$L1",null,{"state":{"roomStore":{"roomInfo":{"roomId":"1111111111111111111"}}}}]\n`;
    const chars = [
      paceScript(`4:T${trap.length.toString(16)},`),
      paceScript(trap.slice(0, 10)),
      paceScript(trap.slice(10)),
      paceScript(stateRow('5', minimalState())),
    ].join('');
    expect(parseRoomPage(chars)).toMatchObject({ found: true, format: 'pace_f', roomId: ROOM_ID });

    // React counts UTF-8 bytes; the text holds 3-byte characters so the two readings differ.
    const text = `直播公告：${trap}`;
    const bytes = Buffer.byteLength(text, 'utf8');
    const byBytes = [paceScript(`4:T${bytes.toString(16)},${text}`), paceScript(stateRow('5', minimalState()))].join(
      '',
    );
    expect(parseRoomPage(byBytes)).toMatchObject({ found: true, format: 'pace_f', roomId: ROOM_ID });
  });

  it('does not crash on a dangling text row header or odd rows', () => {
    const html = [
      paceScript('4:T400,'),
      paceScript('only part of the text, then the page ends'),
      paceScript('garbage without a row id\n'),
      paceScript('7:E{"digest":"123"}\n'),
      '<script>self.__pace_f.push([2,"form state"])</script>',
      '<script>self.__pace_f.push([1,"unterminated',
    ].join('');
    expect(parseRoomPage(html)).toMatchObject({ found: false, reason: 'no_room_data' });
  });

  it('finds the state when it is escaped once more inside a string value', () => {
    const row = `5:${JSON.stringify(['$', '$L1', null, { payload: JSON.stringify({ state: minimalState() }) }])}\n`;
    expect(parseRoomPage(paceScript(row))).toMatchObject({ found: true, format: 'pace_f', roomId: ROOM_ID });
  });

  it("decodes JS escapes JSON does not allow (\\x, \\', \\v)", () => {
    const json = stateRow('5', minimalState()).replace(/&/g, '');
    const jsOnly = JSON.stringify(json).slice(1, -1).replace(/mini/, "mi\\x6ei\\'").replace(/\\n$/, '\\x0a');
    const result = expectFound(parseRoomPage(`<script>self.__pace_f.push([1,"${jsOnly}"])</script>`));
    expect(result.title).toBe("mini'");
  });

  it('takes the visitor id from an earlier odin row when the state has no userStore', () => {
    const html = [
      paceScript(`3:${JSON.stringify(['$', '$L2', null, { odin: { user_unique_id: UID } }])}\n`),
      paceScript(stateRow('5', { roomStore: minimalState().roomStore })),
    ].join('');
    expect(expectFound(parseRoomPage(html)).userUniqueId).toBe(UID);
  });

  it('falls back to the anchor in room.owner, and to room.id_str for the room id', () => {
    const state = {
      roomStore: {
        roomInfo: { room: { id_str: ROOM_ID, status: '2', owner: { nickname: 'owner', id_str: '42' } } },
      },
    };
    expect(parseRoomPage(paceScript(stateRow('5', state)))).toEqual({
      found: true,
      format: 'pace_f',
      roomId: ROOM_ID,
      status: 2,
      anchor: { nickname: 'owner', id: '42' },
    });
  });

  it('falls back to the roomId regex on a page cut short inside the state row', () => {
    const html = renderPacePage(ROOM);
    const cut = html.slice(0, html.indexOf('user_count_str'));
    expect(parseRoomPage(cut)).toEqual({ found: true, format: 'regex', roomId: ROOM_ID, userUniqueId: UID, status: 2 });
  });

  it('treats a roomStore without a room id as no room data', () => {
    const state = { roomStore: { roomInfo: { roomId: '', room: {} } } };
    expect(parseRoomPage(paceScript(stateRow('5', state)))).toMatchObject({ found: false, reason: 'no_room_data' });
  });

  it('handles a realistically large page quickly', () => {
    const filler = Array.from({ length: 600 }, (_, k) =>
      paceScript(`${(k + 16).toString(16)}:${JSON.stringify(['$', 'div', null, { children: 'x'.repeat(2000) }])}\n`),
    ).join('');
    const page = renderPacePage(ROOM).replace('<div id="root"></div>', `<div id="root"></div>${filler}`);
    expect(page.length).toBeGreaterThan(1_200_000);
    const started = Date.now();
    expect(expectFound(parseRoomPage(page)).roomId).toBe(ROOM_ID);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('parseRoomPage: old RENDER_DATA format', () => {
  it('reads the URL-encoded JSON', () => {
    expect(parseRoomPage(renderRenderDataPage(ROOM))).toEqual({
      found: true,
      format: 'render_data',
      roomId: ROOM_ID,
      userUniqueId: UID,
      status: 2,
      title: ROOM.title,
      userCount: '3.4万',
      anchor: {
        nickname: '测试主播',
        avatarUrl: expect.stringContaining('&x-expires='),
        id: '98765432109',
        secUid: 'MS4wLjABAAAAsimulatedanchorsecuid0000000000000000',
      },
    });
  });

  it('survives a RENDER_DATA that is not valid URL encoding or JSON', () => {
    expect(parseRoomPage('<script id="RENDER_DATA" type="application/json">%E0%A4%A</script>')).toMatchObject({
      found: false,
    });
    expect(parseRoomPage('<script id="RENDER_DATA" type="application/json">%7Bnope</script>')).toMatchObject({
      found: false,
    });
  });
});

describe('parseRoomPage: regex fallback and failures', () => {
  it('uses the roomId regex on otherwise unknown markup', () => {
    const html = `<script>window.x = "{\\"roomId\\":\\"${ROOM_ID}\\",\\"user_unique_id\\":\\"${UID}\\"}"</script>`;
    expect(parseRoomPage(html)).toEqual({ found: true, format: 'regex', roomId: ROOM_ID, userUniqueId: UID });
  });

  it('reports risk control for the __ac_nonce page and the verification page', () => {
    expect(parseRoomPage(renderRiskControlPage())).toMatchObject({ found: false, reason: 'risk_control' });
    expect(parseRoomPage(renderRiskControlPage('verify'))).toMatchObject({ found: false, reason: 'risk_control' });
  });

  it('reports an offline marker when the page says the live has ended', () => {
    expect(parseRoomPage('<html><body><p>直播已结束</p></body></html>')).toMatchObject({
      found: false,
      reason: 'offline_marker',
      detail: expect.stringContaining('直播已结束'),
    });
  });

  it('reports no room data for empty or unrelated input, never throwing', () => {
    expect(parseRoomPage('')).toMatchObject({ found: false, reason: 'no_room_data' });
    expect(parseRoomPage('<html><body>hello</body></html>')).toMatchObject({ found: false, reason: 'no_room_data' });
    expect(parseRoomPage(undefined as unknown as string)).toMatchObject({ found: false, reason: 'no_room_data' });
  });

  it('never throws on any prefix or corruption of a real-shaped page', () => {
    const html = renderPacePage(ROOM);
    for (let end = 0; end < html.length; end += 97) {
      const result = parseRoomPage(html.slice(0, end));
      expect(typeof result.found).toBe('boolean');
      if (result.found) expect(result.roomId).toBe(ROOM_ID);
    }
    for (let k = 0; k < 200; k++) {
      const at = (k * 7919) % html.length;
      const corrupted = html.slice(0, at) + '\\"{[' + html.slice(at + 3);
      expect(typeof parseRoomPage(corrupted).found).toBe('boolean');
    }
  });
});

describe('parseEnterResponse', () => {
  it('reads a live room', () => {
    const result = parseEnterResponse(JSON.parse(renderEnterJson(ROOM)));
    expect(result).toEqual({
      ok: true,
      roomId: ROOM_ID,
      status: 2,
      live: true,
      title: ROOM.title,
      ownerNickname: '测试主播',
      ownerId: '98765432109',
      ownerSecUid: 'MS4wLjABAAAAsimulatedanchorsecuid0000000000000000',
      viewerCount: '3.4万',
      streamUrls: {
        flv: {
          FULL_HD1: expect.stringContaining('_uhd.flv'),
          HD1: expect.stringContaining('_hd.flv'),
          SD1: expect.stringContaining('_ld.flv'),
          SD2: expect.stringContaining('_sd.flv'),
          ORIGIN: expect.stringContaining('_or4.flv'),
        },
        hls: {
          FULL_HD1: expect.stringContaining('_uhd.m3u8'),
          HD1: expect.stringContaining('_hd.m3u8'),
          SD1: expect.stringContaining('_ld.m3u8'),
          SD2: expect.stringContaining('_sd.m3u8'),
          ORIGIN: expect.stringContaining('_or4.m3u8'),
        },
      },
    });
  });

  it('uses id_str, not the 64-bit id number the body also carries', () => {
    const text = renderEnterJson(ROOM);
    expect(text).toContain(`"id":${ROOM_ID}`);
    const parsed = JSON.parse(text) as { data: { data: Array<{ id: number }> } };
    expect(String(parsed.data.data[0]?.id)).not.toBe(ROOM_ID); // precision lost as a JS number
    expect(parseEnterResponse(parsed)).toMatchObject({ ok: true, roomId: ROOM_ID });
  });

  it('reads an ended room: status 4, no owner in data.data[0], the anchor from data.user', () => {
    const body = JSON.parse(renderEnterJson({ ...ROOM, status: 4 })) as {
      data: { data: Array<Record<string, unknown>>; room_status: number };
    };
    expect(body.data.data[0]).not.toHaveProperty('owner');
    expect(body.data.room_status).toBe(2);
    expect(parseEnterResponse(body)).toEqual({
      ok: true,
      roomId: ROOM_ID,
      status: 4,
      live: false,
      title: ROOM.title,
      ownerNickname: '测试主播',
      ownerId: '98765432109',
      ownerSecUid: 'MS4wLjABAAAAsimulatedanchorsecuid0000000000000000',
      viewerCount: '3.4万',
      streamUrls: { flv: {}, hls: {} },
    });
  });

  it('maps status_code 4001038 to not_found', () => {
    expect(parseEnterResponse(JSON.parse(renderEnterNotFoundJson()))).toEqual({
      ok: false,
      reason: 'not_found',
      statusCode: 4001038,
    });
    expect(parseEnterResponse({ status_code: 4001038 })).toEqual({
      ok: false,
      reason: 'not_found',
      statusCode: 4001038,
    });
  });

  it('maps an empty body, an empty data.data or another error code to risk_control', () => {
    expect(parseEnterResponse(JSON.parse(renderEnterRiskJson()))).toEqual({
      ok: false,
      reason: 'risk_control',
      statusCode: 0,
    });
    for (const body of [undefined, null, '', {}, { data: {} }, { data: { data: [] } }]) {
      expect(parseEnterResponse(body)).toEqual({ ok: false, reason: 'risk_control' });
    }
    expect(parseEnterResponse({ status_code: 10011, data: {} })).toEqual({
      ok: false,
      reason: 'risk_control',
      statusCode: 10011,
    });
  });

  it('maps bodies that are not a room answer to malformed, never throwing', () => {
    for (const body of [42, 'text', [], [1], { status_code: 0, data: { data: [{ title: 'no id' }] } }]) {
      expect(parseEnterResponse(body)).toMatchObject({ ok: false, reason: 'malformed' });
    }
    expect(parseEnterResponse({ data: { data: [{ id_str: ROOM_ID }] } })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('falls back to enter_room_id and to data.room_status when the room entry lacks them', () => {
    expect(
      parseEnterResponse({ status_code: 0, data: { data: [{ title: 't' }], enter_room_id: ROOM_ID, room_status: 0 } }),
    ).toMatchObject({
      ok: true,
      roomId: ROOM_ID,
      status: 2,
      live: true,
      ownerNickname: '',
      streamUrls: { flv: {}, hls: {} },
    });
    expect(parseEnterResponse({ status_code: 0, data: { data: [{ id_str: ROOM_ID }], room_status: 2 } })).toMatchObject(
      { ok: true, status: 4, live: false, title: '' },
    );
  });

  it('ignores a broken stream_data string and non-string URLs', () => {
    const body = {
      status_code: 0,
      data: {
        data: [
          {
            id_str: ROOM_ID,
            status: 2,
            stream_url: {
              flv_pull_url: { HD1: 'https://a/flv', SD1: 7, SD2: '' },
              live_core_sdk_data: { pull_data: { stream_data: '{broken' } },
            },
          },
        ],
      },
    };
    expect(parseEnterResponse(body)).toMatchObject({
      ok: true,
      streamUrls: { flv: { HD1: 'https://a/flv' }, hls: {} },
    });
  });
});
