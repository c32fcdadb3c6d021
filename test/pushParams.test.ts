import { createHash } from 'node:crypto';

import { isDouyinLiveError } from '../packages/core/src/errors.js';
import {
  AID,
  buildEnterQuery,
  buildImFetchQuery,
  buildPushQuery,
  buildPushUrl,
  DEFAULT_BROWSER_PROFILE,
  DEFAULT_PUSH_HOSTS,
  DEFAULT_WEBCAST_SDK_VERSION,
  LIVE_ORIGIN,
  PUSH_PATH,
  pushQueryObject,
  pushServerFromFetch,
  randomMsToken,
  VERSION_CODE,
  type BrowserProfile,
} from '../packages/core/src/room/index.js';
import { verifySignature } from '@douyin-live/simulator';
import { signatureStub, signStub } from '../packages/core/src/signature/index.js';

const ROOM_ID = '7630361251285076745';
const UID = '7319483754668557238';
const CHROME_134_VERSION =
  '5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36';

/** §2.2's table, rows 1–31, in order (rows 16–17 present because cursor/internal_ext are given). */
const SECTION_2_2_ORDER = [
  'app_name',
  'version_code',
  'webcast_sdk_version',
  'update_version_code',
  'compress',
  'device_platform',
  'cookie_enabled',
  'screen_width',
  'screen_height',
  'browser_language',
  'browser_platform',
  'browser_name',
  'browser_version',
  'browser_online',
  'tz_name',
  'cursor',
  'internal_ext',
  'host',
  'aid',
  'live_id',
  'did_rule',
  'endpoint',
  'support_wrds',
  'user_unique_id',
  'im_path',
  'identity',
  'need_persist_msg_count',
  'insert_task_id',
  'live_reason',
  'room_id',
  'heartbeatDuration',
];

const CURSOR = 'd-1_u-1_fh-7392091211001140287_t-1721106114633_r-1';
const INTERNAL_EXT = `internal_src:dim|wss_push_room_id:${ROOM_ID}|wss_push_did:${UID}|first_req_ms:1721106114541|fetch_time:1721106114633|seq:1|wss_info:0-1721106114633-0-0|wrds_v:7392094459690748497`;

describe('constants', () => {
  it('carry the values of the sheet', () => {
    expect(DEFAULT_WEBCAST_SDK_VERSION).toBe('1.0.15');
    expect(VERSION_CODE).toBe('180800');
    expect(AID).toBe('6383');
    expect(PUSH_PATH).toBe('/webcast/im/push/v2/');
    expect(LIVE_ORIGIN).toBe('https://live.douyin.com');
    expect(DEFAULT_PUSH_HOSTS).toEqual([
      'wss://webcast100-ws-web-lq.douyin.com',
      'wss://webcast100-ws-web-hl.douyin.com',
      'wss://webcast100-ws-web-lf.douyin.com',
    ]);
  });

  it('default to the Chrome 134 on Windows profile of §2.6', () => {
    expect(DEFAULT_BROWSER_PROFILE).toEqual({
      userAgent: `Mozilla/${CHROME_134_VERSION}`,
      screenWidth: 1920,
      screenHeight: 1080,
      language: 'zh-CN',
      platform: 'Win32',
      timezone: 'Asia/Shanghai',
    });
    expect(Object.isFrozen(DEFAULT_BROWSER_PROFILE)).toBe(true);
  });
});

describe('buildPushQuery', () => {
  const full = buildPushQuery({ roomId: ROOM_ID, userUniqueId: UID, cursor: CURSOR, internalExt: INTERNAL_EXT });

  it('lists the §2.2 parameters in §2.2 order, without signature', () => {
    expect(full.map(([name]) => name)).toEqual(SECTION_2_2_ORDER);
  });

  it('holds the values of §2.2 / §2.6', () => {
    expect(pushQueryObject(full)).toEqual({
      app_name: 'douyin_web',
      version_code: '180800',
      webcast_sdk_version: '1.0.15',
      update_version_code: '1.0.15',
      compress: 'gzip',
      device_platform: 'web',
      cookie_enabled: 'true',
      screen_width: '1920',
      screen_height: '1080',
      browser_language: 'zh-CN',
      browser_platform: 'Win32',
      browser_name: 'Mozilla',
      browser_version: CHROME_134_VERSION,
      browser_online: 'true',
      tz_name: 'Asia/Shanghai',
      cursor: CURSOR,
      internal_ext: INTERNAL_EXT,
      host: 'https://live.douyin.com',
      aid: '6383',
      live_id: '1',
      did_rule: '3',
      endpoint: 'live_pc',
      support_wrds: '1',
      user_unique_id: UID,
      im_path: '/webcast/im/fetch/',
      identity: 'audience',
      need_persist_msg_count: '15',
      insert_task_id: '',
      live_reason: '',
      room_id: ROOM_ID,
      heartbeatDuration: '0',
    });
  });

  it('leaves out cursor and internal_ext when absent, keeps them (even empty) when given', () => {
    const bare = buildPushQuery({ roomId: ROOM_ID, userUniqueId: UID }).map(([name]) => name);
    expect(bare).toEqual(SECTION_2_2_ORDER.filter((name) => name !== 'cursor' && name !== 'internal_ext'));
    const empty = buildPushQuery({ roomId: ROOM_ID, userUniqueId: UID, cursor: '', internalExt: '' });
    expect(pushQueryObject(empty)).toMatchObject({ cursor: '', internal_ext: '' });
  });

  it('uses the sdk version, profile and heartbeat duration given', () => {
    const profile: BrowserProfile = {
      userAgent:
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36',
      screenWidth: 2560,
      screenHeight: 1440,
      language: 'en-US',
      platform: 'MacIntel',
      timezone: 'Asia/Hong_Kong',
    };
    const query = pushQueryObject(
      buildPushQuery({
        roomId: ROOM_ID,
        userUniqueId: UID,
        sdkVersion: '1.0.14-beta.0',
        profile,
        heartbeatDuration: 10,
      }),
    );
    expect(query).toMatchObject({
      webcast_sdk_version: '1.0.14-beta.0',
      update_version_code: '1.0.14-beta.0',
      screen_width: '2560',
      screen_height: '1440',
      browser_language: 'en-US',
      browser_platform: 'MacIntel',
      browser_version: profile.userAgent.slice('Mozilla/'.length),
      tz_name: 'Asia/Hong_Kong',
      heartbeatDuration: '10',
    });
  });
});

describe('pushQueryObject', () => {
  it('keys by URL name, first value wins, no prototype surprises', () => {
    const object = pushQueryObject([
      ['a', '1'],
      ['a', '2'],
      ['__proto__', 'x'],
    ]);
    expect(object.a).toBe('1');
    expect(Object.keys(object)).toEqual(['a', '__proto__']);
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
  });
});

describe('buildPushUrl', () => {
  const params = buildPushQuery({ roomId: ROOM_ID, userUniqueId: UID, cursor: CURSOR, internalExt: INTERNAL_EXT });
  const signature = '6pt0VC0aRZD+/n07';
  const url = buildPushUrl(DEFAULT_PUSH_HOSTS[0], params, signature);

  it('targets the push path of the host', () => {
    expect(url.startsWith('wss://webcast100-ws-web-lq.douyin.com/webcast/im/push/v2/?app_name=douyin_web&')).toBe(true);
    expect(buildPushUrl('wss://webcast100-ws-web-lq.douyin.com/', params, signature)).toBe(url);
    expect(buildPushUrl('wss://webcast100-ws-web-lq.douyin.com/webcast/im/push/v2/', params, signature)).toBe(url);
  });

  it('appends the signature last and raw', () => {
    expect(url.endsWith('&signature=6pt0VC0aRZD+/n07')).toBe(true);
    expect(url.match(/signature=/g)).toHaveLength(1);
  });

  it('percent-encodes the other values, spaces as %20', () => {
    expect(url).toContain(
      '&browser_version=5.0%20(Windows%20NT%2010.0%3B%20Win64%3B%20x64)%20AppleWebKit%2F537.36%20(KHTML%2C%20like%20Gecko)%20Chrome%2F134.0.0.0%20Safari%2F537.36&',
    );
    expect(url).toContain('&host=https%3A%2F%2Flive.douyin.com&');
    expect(url).toContain('&im_path=%2Fwebcast%2Fim%2Ffetch%2F&');
    expect(url).toContain(`&internal_ext=${encodeURIComponent(INTERNAL_EXT)}&`);
    expect(url.slice(0, url.indexOf('&signature='))).not.toMatch(/[ |+]/);
  });

  it('keeps the parameter order, and decodes back to the same values', () => {
    const parsed = new URL(url);
    expect([...parsed.searchParams.keys()]).toEqual([...SECTION_2_2_ORDER, 'signature']);
    for (const [name, value] of params) expect(parsed.searchParams.get(name)).toBe(value);
  });

  it('drops a signature already in params', () => {
    expect(buildPushUrl(DEFAULT_PUSH_HOSTS[0], [...params, ['signature', 'old']], signature)).toBe(url);
  });

  it('rejects signatures that would break the URL and non-WebSocket bases', () => {
    for (const bad of ['', 'ab&c', 'a b', 'x%2B']) {
      expect(() => buildPushUrl(DEFAULT_PUSH_HOSTS[0], params, bad)).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    try {
      buildPushUrl('https://live.douyin.com', params, signature);
      throw new Error('expected a throw');
    } catch (error) {
      expect(isDouyinLiveError(error)).toBe(true);
    }
  });

  it('signs the stub of the built query, equal to the stub of the same values joined by hand', () => {
    const stub = signatureStub(pushQueryObject(params));
    const byHand = createHash('md5')
      .update(
        `live_id=1,aid=6383,version_code=180800,webcast_sdk_version=1.0.15,room_id=${ROOM_ID},sub_room_id=,` +
          `sub_channel_id=,did_rule=3,user_unique_id=${UID},device_platform=web,device_type=,ac=,identity=audience`,
      )
      .digest('hex');
    expect(stub).toBe(byHand);

    // The server's view: read the URL, recompute the stub from its parameters, verify the signature.
    const signed = buildPushUrl(DEFAULT_PUSH_HOSTS[1], params, signStub(stub));
    const received = new URL(signed);
    const receivedQuery = Object.fromEntries(received.searchParams);
    const rawSignature = signed.slice(signed.indexOf('&signature=') + '&signature='.length);
    expect(verifySignature(rawSignature, signatureStub(receivedQuery))).toEqual({ ok: true });
  });
});

describe('buildEnterQuery', () => {
  it('lists the §1.4 parameters', () => {
    const query = buildEnterQuery('261378947940', DEFAULT_BROWSER_PROFILE, { msToken: 'tok', roomIdStr: ROOM_ID });
    expect(query).toEqual([
      ['aid', '6383'],
      ['app_name', 'douyin_web'],
      ['live_id', '1'],
      ['device_platform', 'web'],
      ['language', 'zh-CN'],
      ['enter_from', 'web_live'],
      ['cookie_enabled', 'true'],
      ['screen_width', '1920'],
      ['screen_height', '1080'],
      ['browser_language', 'zh-CN'],
      ['browser_platform', 'Win32'],
      ['browser_name', 'Mozilla'],
      ['browser_version', CHROME_134_VERSION],
      ['web_rid', '261378947940'],
      ['room_id_str', ROOM_ID],
      ['enter_source', ''],
      ['is_need_double_stream', 'false'],
      ['insert_task_id', ''],
      ['live_reason', ''],
      ['msToken', 'tok'],
      ['a_bogus', ''],
    ]);
  });

  it('defaults: default profile, random 184-character msToken, empty room_id_str', () => {
    const query = Object.fromEntries(buildEnterQuery('someone', undefined, { enterFrom: 'link_share', aBogus: 'ab' }));
    expect(query.msToken).toMatch(/^[A-Za-z0-9_-]{184}$/);
    expect(query).toMatchObject({ web_rid: 'someone', room_id_str: '', enter_from: 'link_share', a_bogus: 'ab' });
    expect(query.browser_version).toBe(CHROME_134_VERSION);
  });
});

describe('buildImFetchQuery', () => {
  it('lists the §2.5 parameters in order', () => {
    const query = buildImFetchQuery({ roomId: ROOM_ID, userUniqueId: UID, msToken: 'tok' });
    expect(query.map(([name]) => name)).toEqual([
      'resp_content_type',
      'did_rule',
      'device_id',
      'app_name',
      'endpoint',
      'support_wrds',
      'user_unique_id',
      'identity',
      'need_persist_msg_count',
      'insert_task_id',
      'live_reason',
      'room_id',
      'version_code',
      'last_rtt',
      'live_id',
      'aid',
      'fetch_rule',
      'cursor',
      'internal_ext',
      'device_platform',
      'cookie_enabled',
      'screen_width',
      'screen_height',
      'browser_language',
      'browser_platform',
      'browser_name',
      'browser_version',
      'browser_online',
      'tz_name',
      'msToken',
      'a_bogus',
    ]);
    expect(Object.fromEntries(query)).toMatchObject({
      resp_content_type: 'protobuf',
      room_id: ROOM_ID,
      user_unique_id: UID,
      cursor: '',
      internal_ext: '',
      fetch_rule: '1',
      msToken: 'tok',
    });
  });

  it('carries a cursor and internal_ext to resume from', () => {
    const query = Object.fromEntries(
      buildImFetchQuery({ roomId: ROOM_ID, userUniqueId: UID, cursor: CURSOR, internalExt: INTERNAL_EXT }),
    );
    expect(query).toMatchObject({ cursor: CURSOR, internal_ext: INTERNAL_EXT });
    expect(query.msToken).toHaveLength(184);
  });
});

describe('randomMsToken', () => {
  it('draws [A-Za-z0-9-_] of the asked length', () => {
    expect(randomMsToken()).toMatch(/^[A-Za-z0-9_-]{184}$/);
    expect(randomMsToken(172)).toHaveLength(172);
    expect(randomMsToken(0)).toBe('');
    expect(randomMsToken()).not.toBe(randomMsToken());
  });

  it('rejects a bad length', () => {
    expect(() => randomMsToken(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => randomMsToken(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('pushServerFromFetch', () => {
  it('prefers push_server_v2, then push_server, then proxy_server', () => {
    expect(
      pushServerFromFetch({
        pushServerV2: 'https://webcast100-ws-web-hl.douyin.com/webcast/im/push/v2/',
        pushServer: 'wss://webcast100-ws-web-lf.douyin.com',
        proxyServer: 'wss://proxy.example',
      }),
    ).toBe('wss://webcast100-ws-web-hl.douyin.com');
    expect(
      pushServerFromFetch({ pushServerV2: '', pushServer: 'wss://webcast100-ws-web-lf.douyin.com/', proxyServer: 'x' }),
    ).toBe('wss://webcast100-ws-web-lf.douyin.com');
    expect(
      pushServerFromFetch({ pushServerV2: ' ', pushServer: '', proxyServer: 'https://proxy.example:8443/p' }),
    ).toBe('wss://proxy.example:8443');
  });

  it('takes the first entry of a , or ; list, converts https to wss and strips the path', () => {
    expect(
      pushServerFromFetch({
        pushServerV2:
          'https://webcast100-ws-web-lq.douyin.com/webcast/im/push/v2/;https://webcast100-ws-web-hl.douyin.com',
        pushServer: '',
        proxyServer: '',
      }),
    ).toBe('wss://webcast100-ws-web-lq.douyin.com');
    expect(
      pushServerFromFetch({ pushServerV2: ', webcast100-ws-web-hl.douyin.com ,x', pushServer: '', proxyServer: '' }),
    ).toBe('wss://webcast100-ws-web-hl.douyin.com');
    expect(pushServerFromFetch({ pushServerV2: 'http://127.0.0.1:8080/x', pushServer: '', proxyServer: '' })).toBe(
      'ws://127.0.0.1:8080',
    );
  });

  it('skips unusable entries and returns undefined when none is usable', () => {
    expect(pushServerFromFetch({ pushServerV2: 'ftp://nope', pushServer: 'wss://ok.example', proxyServer: '' })).toBe(
      'wss://ok.example',
    );
    expect(pushServerFromFetch({ pushServerV2: '', pushServer: '', proxyServer: '' })).toBeUndefined();
    expect(pushServerFromFetch({ pushServerV2: ';,', pushServer: 'https://', proxyServer: '' })).toBeUndefined();
  });
});
