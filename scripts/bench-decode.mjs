#!/usr/bin/env node
// Decode throughput: our pipeline against a naive protobufjs decoder and a gunzip-only floor.
//
// Usage: node --expose-gc scripts/bench-decode.mjs [--frames N] [--iterations N] [--warmup N] [--quick]
//          [--only full,base,...] [--no-methods]
// (normally through `npm run bench`, which builds first). Imports the built package from packages/core/dist.
// Profiling one case: node --cpu-prof scripts/bench-decode.mjs --only full --no-methods
// A second table times each method's real payload (../shared/realdata/payloads, skipped when absent) through
// our envelope decode and protobufjs, to catch a method where we lose even though the corpus total wins.
//
// The corpus is generated deterministically (seeded PRNG, fixed clock): ~3,000 gzipped PushFrames of 10–20
// messages each, with the message mix and payload sizes of a busy room (see docs/performance.md). Every case
// runs on the same frames, round-robin over the iterations, so the ratios compare like with like.
import { gunzipSync } from 'node:zlib';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import protobuf from 'protobufjs';
import { from } from 'rxjs';
import {
  ackFor,
  decodeFrame,
  decodeEnvelope,
  decodeWire,
  envelopesOf,
  liveEnvelopes,
  livePipeline,
  MessageEnvelope,
  ofMethod,
  unpackResponse,
} from '../packages/core/dist/index.js';
import { encodeFrame, messageFactory } from '../packages/testing/dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------------------
// Options
// ---------------------------------------------------------------------------------------------------------

const args = process.argv.slice(2);
const quick = args.includes('--quick');
function option(name, fallback) {
  const i = args.indexOf(name);
  if (i === -1) return fallback;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer`);
  return n;
}
const FRAMES = option('--frames', quick ? 500 : 3000);
const ITERATIONS = option('--iterations', quick ? 3 : 7);
const WARMUP = option('--warmup', quick ? 1 : 2);
const ONLY = (() => {
  const i = args.indexOf('--only');
  return i === -1 ? undefined : new Set(String(args[i + 1]).split(','));
})();
const PER_METHOD = !args.includes('--no-methods');
const SEED = 0x5eed2026;

// ---------------------------------------------------------------------------------------------------------
// Deterministic corpus
// ---------------------------------------------------------------------------------------------------------

/** mulberry32: small, fast, good enough for picking test data. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(SEED);
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const pick = (list) => list[Math.floor(rand() * list.length)];
const chance = (p) => rand() < p;
const hex = (n) => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');
const b64ish = (n) =>
  Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[int(0, 63)]).join(
    '',
  );

const NICK_PARTS = [
  '小',
  '大',
  '阿',
  '老',
  '清风',
  '明月',
  '星辰',
  '晴天',
  '小鱼',
  '橘子',
  '柠檬',
  '可乐',
  '奶茶',
  '糖果',
  '快乐',
  '追梦',
  '逍遥',
  '静境',
  '浪子',
  '花开',
  '半夏',
  '南风',
  '北辰',
  '云朵',
  '萌萌',
  '甜甜',
  '天天',
  '向日葵',
  '猫咪',
  '狗蛋',
  '二哈',
  '土豆',
  '番茄',
  '西瓜',
  '宝宝',
  '哥哥',
  '姐姐',
  '叔叔',
  '阿姨',
  '少年',
  '女孩',
  '先生',
  '同学',
  '独自升级',
  '一路向北',
  '岁月静好',
  '平安喜乐',
  '不吃香菜',
  '今天也要加油',
  '爱吃鱼的猫',
  '夜猫子',
];
const NICK_SUFFIX = ['', '', '', '', 'ᶜ', '¹⁴⁹', '🌸', '✨', '~', '666', '2024', '_', '呀', '哒', '😊', '🐱'];
const CHAT_PARTS = [
  '主播好',
  '来了来了',
  '666',
  '哈哈哈哈',
  '支持主播',
  '这个多少钱',
  '[玫瑰]',
  '[比心]',
  '[赞]',
  '[捂脸]',
  '主播唱得真好听',
  '妹妹长得俊俏，支持你正能量主播。',
  '已拍',
  '上链接',
  '几号链接',
  '求讲解',
  '好看',
  '最后应该给他冻住',
  '山海经及增广贤文已拍',
  '晚上好呀',
  '关注了',
  '点赞点赞',
  '刚来，错过了什么',
  '这个颜色有没有大码',
  '发货快吗',
  '主播今天几点下播',
  '太可爱了吧',
  '笑死我了',
  '加油加油',
  '冲冲冲',
  '第一次来直播间',
  '从上海来的',
  '老粉报到',
  '礼物走一波',
  '谢谢主播',
  '再来一首',
  '声音好好听',
];
const GIFTS = [
  { id: '463', name: '小心心', diamonds: 1 },
  { id: '685', name: '粉丝团灯牌', diamonds: 1 },
  { id: '3978', name: '玫瑰', diamonds: 1 },
  { id: '4150', name: '棒棒糖', diamonds: 9 },
  { id: '2002', name: '人气票', diamonds: 1 },
  { id: '3699', name: '抖音1号', diamonds: 10 },
  { id: '4307', name: '嘉年华', diamonds: 3000 },
];

const CDN = ['p3', 'p11', 'p26'];
function urls(path, n, webcast) {
  const hosts = CDN.slice(0, n);
  return hosts.map((h) => `https://${h}${webcast ? '-webcast' : ''}.douyinpic.com/${path}`);
}
function levelImage(file, height, width, n, content) {
  return {
    urlList: urls(`img/webcast/${file}~tplv-obj.image`, n, true),
    uri: `webcast/${file}`,
    height: String(height),
    width: String(width),
    imageType: content?.imageType ?? 1,
    content: content
      ? { level: String(content.level), alternativeText: content.text, fontColor: content.color }
      : undefined,
  };
}

function nickname() {
  if (chance(0.06)) return `${pick(NICK_PARTS)[0]}***`; // masked guest
  let s = pick(NICK_PARTS);
  if (chance(0.5)) s += pick(NICK_PARTS);
  return s + pick(NICK_SUFFIX);
}

/** A user as publishers send it: avatar with up to 3 CDN urls, honour/fans-club badges, pay grade, fans club. */
function makeUser(i) {
  const id = String(1_000_000_000_000_000n + BigInt(i) * 7_919_003n + BigInt(int(0, 9999)));
  const nick = nickname();
  const payLevel = int(0, 10) < 7 ? int(1, 40) : int(41, 60);
  const club = chance(0.45) ? { level: int(1, 20), name: pick(NICK_PARTS) + '团' } : undefined;
  const nUrls = int(1, 3);
  const avatar = `aweme/100x100/aweme-avatar/tos-cn-i-0813c000-ce_${b64ish(40)}.jpeg?from=3067671334`;
  const badges = [
    levelImage(`new_user_grade_level_v1_${payLevel}.png`, 16, 32, nUrls > 1 ? 2 : 1, {
      level: payLevel,
      text: `荣誉等级${payLevel}级勋章`,
    }),
  ];
  if (club)
    badges.push(
      levelImage(`fansclub_level_v6_${club.level}.png`, 0, 0, 2, {
        level: club.level,
        text: `粉丝团等级${club.level}级勋章`,
        color: '#FFFFFF',
        imageType: 7,
      }),
    );
  const followers = int(0, 5000);
  const following = int(0, 800);
  return {
    id,
    idStr: id,
    shortId: String(int(10_000_000, 3_999_999_999)),
    nickname: nick,
    desensitizedNickname: nick,
    gender: int(0, 2),
    signature: chance(0.3) ? pick(CHAT_PARTS) + pick(CHAT_PARTS) : '',
    avatarThumb: { urlList: urls(avatar, nUrls, false), uri: `100x100/aweme-avatar/${b64ish(24)}` },
    badgeImageList: badges,
    followInfo: {
      followingCount: String(following),
      followerCount: String(followers),
      followStatus: String(int(0, 2)),
      followerCountStr: String(followers),
      followingCountStr: String(following),
    },
    payGrade: {
      level: String(payLevel),
      newImIconWithLevel: levelImage(`new_user_grade_level_v1_${payLevel}.png`, 16, 32, nUrls > 1 ? 2 : 1),
      newLiveIcon: levelImage(
        `aweme_pay_grade_2x_${payLevel - (payLevel % 5)}_${payLevel - (payLevel % 5) + 4}.png`,
        12,
        12,
        2,
      ),
    },
    fansClub: club
      ? {
          data: {
            clubName: club.name,
            level: club.level,
            userFansClubStatus: 1,
            anchorId: '98765432109876',
            badge: {
              icons: {
                2: levelImage(`fansclub_level_v6_${club.level}.png`, 0, 0, 2),
                4: levelImage(`fansclub_new_advanced_badge_${club.level}_xmp.png`, 0, 0, 2),
              },
            },
          },
        }
      : { data: { badge: { icons: { 0: {} } } } },
    displayId: chance(0.5) ? `dy${b64ish(int(6, 12))}` : String(int(10_000_000, 99_999_999)),
    secUid: `MS4wLjABAAAA${b64ish(44)}`,
    webcastUid: `MS4wLjPtLt25${b64ish(56)}`,
    authorizationInfo: 3,
    mysteryMan: 1,
    // Kept for the friendly mapper's `payLevel`/`fansClub`/`isAdmin` (from userInit's shape).
    userAttr: chance(0.02) ? { isAdmin: true } : undefined,
  };
}

/** A slim user (ranks, text pieces): what the server puts inside other structures. */
const slimUser = (u) => ({
  id: u.id,
  nickname: u.nickname,
  secUid: u.secUid,
  desensitizedNickname: u.desensitizedNickname,
  webcastUid: u.webcastUid,
});

function buildCorpus(frameCount) {
  const users = Array.from({ length: 2000 }, (_, i) => makeUser(i));
  // A power law: a few active users send most of the messages.
  const someone = () => users[Math.floor(users.length * rand() ** 2.5)];
  let clock = 1_760_000_000_000;
  const f = messageFactory({ roomId: '7400123456789012345', firstMsgId: 7_400_000_000_000_000_000n, now: () => clock });
  const common = (extra) => ({ isShowMsg: true, appId: '1128', ...extra });
  let likeTotal = 30_000;
  let viewers = 8_000;

  const chat = () => {
    const parts = int(1, chance(0.15) ? 6 : 3);
    let content = '';
    for (let i = 0; i < parts; i++) content += pick(CHAT_PARTS);
    const u = someone();
    return f.message('WebcastChatMessage', {
      common: common({ createTime: '0', priorityScore: String(int(10000, 40000)) }),
      user: u,
      content,
      eventTime: String(Math.floor(clock / 1000)),
      publicAreaCommon: {
        userLabel: {
          urlList: urls('img/webcast/userlabel_new_send_gift.png~tplv-obj.image', 1, true),
          avgColor: '#CCB1A3',
        },
        userConsumeInRoom: String(int(0, 500)),
        userSendGiftCntInRoom: String(int(0, 50)),
        individualPriority: '50',
        imAction: 1,
        showInDanmaku: true,
      },
      individualChatPriority: 50,
    });
  };
  const member = () => {
    const u = someone();
    viewers += int(-3, 5);
    const payLevel = Number(u.payGrade.level);
    const fancy = payLevel >= 30; // honour-level entrance effect, as real high-level users get
    return f.message('WebcastMemberMessage', {
      common: common({ foldType: '1', anchorFoldType: '1', priorityScore: '42000', anchorFoldTypeV2: '3' }),
      user: u,
      memberCount: String(viewers),
      action: '1',
      enterEffectConfig: fancy
        ? {
            type: '8',
            text: {
              key: 'honor_live_room_enter_effect',
              defaultPattern: '{0:user} 加入了直播间',
              defaultFormat: { color: '#FFFFFF', weight: 400 },
              pieces: [
                { type: 1, format: { color: '#FFFFFF', useRemoteColor: true }, userValue: { user: slimUser(u) } },
              ],
            },
            textIcon: {
              urlList: urls(`img/webcast/new_grade_enter_${payLevel - (payLevel % 4)}_v3.png~tplv-obj.image`, 1, true),
              avgColor: '#F0F0F0',
            },
            stayTime: 2000,
            badge: levelImage(`new_user_grade_level_v1_${payLevel}.png`, 16, 32, 1),
            flexSettingArray: ['50', '50', '50', '50'],
            textIconOverlay: { avgColor: '#89A37C' },
            textFlexSettingArray: ['13', '13', '19', '19'],
            dynamicImage: { avgColor: '#FADCF0' },
            extra: { effect_id: '101', to_user_id: u.id, effect_source: 'honor_level' },
          }
        : undefined,
      publicAreaCommon: { individualPriority: '10', imAction: 2 },
    });
  };
  const like = () => {
    const count = int(1, 15);
    likeTotal += count;
    return f.message('WebcastLikeMessage', {
      common: common({ anchorFoldType: '1', anchorFoldTypeV2: '1' }),
      count: String(count),
      total: String(likeTotal),
      user: someone(),
      displayControlInfo: { showIcons: true },
      publicAreaCommon: { individualPriority: '30', imAction: 2 },
    });
  };
  const gift = () => {
    const g = pick(GIFTS);
    const u = someone();
    const repeat = int(1, 30);
    return f.message('WebcastGiftMessage', {
      common: common({ describe: `${u.nickname}:送给主播 ${repeat}个${g.name}`, priorityScore: '31000' }),
      giftId: g.id,
      groupCount: '1',
      repeatCount: String(repeat),
      comboCount: String(repeat),
      totalCount: String(repeat),
      groupId: String(1_760_000_000_000 + int(0, 99999)),
      repeatEnd: chance(0.2) ? 1 : 0,
      user: u,
      sendTime: String(clock),
      traceId: hex(32),
      logId: hex(34).toUpperCase(),
      gift: {
        id: g.id,
        name: g.name,
        diamondCount: g.diamonds,
        combo: g.diamonds < 100,
        type: 1,
        describe: `送出${g.name}`,
        image: {
          urlList: urls(`img/webcast/${hex(32)}.png~tplv-obj.png`, 2, true),
          uri: `webcast/${hex(32)}`,
          avgColor: '#DCDCE6',
        },
        icon: { urlList: urls(`img/webcast/${hex(32)}.png~tplv-obj.png`, 2, true), avgColor: '#F5F5F5' },
      },
      trayDisplayText: {
        key: 'webcast_gift_tray_text',
        defaultPattern: '{0:user} 送出 {1:gift}',
        defaultFormat: { color: '#FFFFFF', weight: 400 },
        pieces: [
          { type: 1, format: { color: '#FFFFFF' }, userValue: { user: slimUser(u) } },
          {
            type: 4,
            format: { color: '#FFDE00' },
            giftValue: { giftId: g.id, nameRef: { key: 'gift', defaultPattern: g.name } },
          },
        ],
      },
      publicAreaCommon: { userConsumeInRoom: String(int(1, 9999)), individualPriority: '60', imAction: 1 },
    });
  };
  const seq = () => {
    const ranks = [1, 2, 3].map((rank) => ({
      user: { ...slimUser(someone()), avatarThumb: someone().avatarThumb, payGrade: someone().payGrade },
      rank: String(rank),
      score: String(int(100, 100000)),
    }));
    return f.message('WebcastRoomUserSeqMessage', {
      common: common(),
      ranks,
      total: String(viewers),
      totalUser: String(viewers * 23),
      totalUserStr: `${((viewers * 23) / 10000).toFixed(1)}万`,
      totalStr: String(viewers),
      popStr: `${(viewers / 10000).toFixed(1)}万`,
      popularity: String(viewers * 3),
      onlineUserForAnchor: String(viewers),
      totalPvForAnchor: `${((viewers * 40) / 10000).toFixed(1)}万`,
    });
  };
  const stats = () =>
    f.message('WebcastRoomStatsMessage', {
      common: common(),
      displayShort: String(viewers),
      displayMiddle: String(viewers),
      displayLong: `${viewers}在线观众`,
      displayValue: String(viewers),
      total: String(viewers),
      displayType: '1',
    });

  // Mix: member 35 %, chat 25 %, like 20 %, gift 10 %, RoomUserSeq 5 %, RoomStats 5 %.
  const MIX = [
    [0.35, member],
    [0.6, chat],
    [0.8, like],
    [0.9, gift],
    [0.95, seq],
    [1, stats],
  ];
  const next = () => {
    const r = rand();
    for (const [upTo, make] of MIX) if (r < upTo) return make();
    return stats();
  };

  const frames = [];
  let messageCount = 0;
  let payloadBytes = 0;
  const byMethod = new Map();
  for (let i = 0; i < frameCount; i++) {
    clock += int(150, 450);
    const messages = [];
    const n = int(10, 20);
    for (let k = 0; k < n; k++) {
      const m = next();
      messages.push(m);
      payloadBytes += m.payload.length;
      const s = byMethod.get(m.method) ?? { count: 0, bytes: 0 };
      s.count++;
      s.bytes += m.payload.length;
      byMethod.set(m.method, s);
    }
    messageCount += n;
    const cursor = `t-${clock}_r-${7_400_000_000_000_000_000n + BigInt(i)}_d-1_u-1_fh-${hex(16)}_t-${clock}`;
    const response = {
      messages,
      cursor,
      fetchInterval: '1000',
      now: String(clock),
      internalExt:
        `internal_src:dim|wss_push_room_id:7400123456789012345|wss_push_did:${int(1e15, 9e15)}|` +
        `first_req_ms:${clock - 60000}|fetch_time:${clock}|seq:${i + 1}|wss_info:0-${clock}-0-0|wrds_v:${7_400_000_000 + i}`,
      fetchType: 0,
      routeParams: {},
      heartbeatDuration: '0',
      needAck: true,
    };
    const frame = encodeFrame({
      response,
      logId: String(7_400_000_000_000_000_000n + BigInt(i) * 13n),
      seqId: String(i + 1),
      headers: { 'im-now': String(clock) },
    });
    frames.push(frame);
  }
  return { frames, messageCount, payloadBytes, byMethod };
}

// ---------------------------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------------------------

const sendSink = { acks: 0, bytes: 0 };
const send = (bytes) => {
  sendSink.acks++;
  sendSink.bytes += bytes.length;
};

/** (1) Our whole pipeline, every message decoded, acks encoded. */
function oursFull(frames) {
  let n = 0;
  let failures = 0;
  from(frames)
    .pipe(livePipeline({ send }))
    .subscribe((m) => {
      n++;
      if (m.kind === 'decode-failure') failures++;
    });
  return { decoded: n, failures };
}

/** (2) Our lazy path: envelopes for everything, only chats decoded. */
function oursLazyChat(frames) {
  let n = 0;
  from(frames)
    .pipe(liveEnvelopes({ send }), ofMethod('WebcastChatMessage'))
    .subscribe(() => {
      n++;
    });
  return { decoded: n, failures: 0 };
}

/** (5) The same work as (1) without RxJS: the stage functions called directly. */
function oursNoRx(frames) {
  let n = 0;
  let failures = 0;
  for (const bytes of frames) {
    const frame = decodeFrame(bytes);
    if (frame.kind !== 'frame') {
      failures++;
      continue;
    }
    const item = unpackResponse(frame);
    if (item.kind !== 'response') {
      failures++;
      continue;
    }
    const ack = ackFor(item);
    if (ack !== undefined) send(ack);
    for (const envelope of envelopesOf(item)) {
      const m = envelope.decode();
      n++;
      if (m.kind === 'decode-failure') failures++;
    }
  }
  return { decoded: n, failures };
}

// (3) The naive baseline: protobufjs reflection over the same .proto, loaded at run time.
const pb = protobuf.loadSync(join(root, 'proto/douyin.proto'));
const PbPushFrame = pb.lookupType('douyin.PushFrame');
const PbResponse = pb.lookupType('douyin.Response');
const methods = JSON.parse(readFileSync(join(root, 'proto/methods.json'), 'utf8'));
const pbTypes = new Map(Object.entries(methods).map(([method, type]) => [method, pb.lookupType(`douyin.${type}`)]));
const TO_OBJECT = { longs: String };

function naiveProtobufjs(frames) {
  let n = 0;
  let failures = 0;
  for (const bytes of frames) {
    const frame = PbPushFrame.toObject(PbPushFrame.decode(bytes), TO_OBJECT);
    let body = frame.payload;
    if (body.length >= 2 && body[0] === 0x1f && body[1] === 0x8b) body = gunzipSync(body);
    const response = PbResponse.toObject(PbResponse.decode(body), TO_OBJECT);
    for (const m of response.messages ?? []) {
      const type = pbTypes.get(m.method);
      if (type === undefined) continue;
      try {
        type.toObject(type.decode(m.payload), TO_OBJECT);
        n++;
      } catch {
        failures++;
      }
    }
  }
  return { decoded: n, failures };
}

/** (4) The floor: inflating every payload and nothing else. */
function gunzipFloor(payloads) {
  let bytes = 0;
  for (const p of payloads) bytes += gunzipSync(p).length;
  return { decoded: 0, failures: 0, bytes };
}

/** Decoder only (no gzip, no RxJS): Response + every message from already-inflated bodies. */
function oursDecodeOnly(bodies) {
  let n = 0;
  for (const body of bodies) {
    const response = decodeWire('Response', body);
    for (const raw of response.messages) {
      new MessageEnvelope(raw, '0').decode();
      n++;
    }
  }
  return { decoded: n, failures: 0 };
}

/** protobufjs decoder only, same work as {@link oursDecodeOnly}. */
function naiveDecodeOnly(bodies) {
  let n = 0;
  for (const body of bodies) {
    const response = PbResponse.toObject(PbResponse.decode(body), TO_OBJECT);
    for (const m of response.messages ?? []) {
      const type = pbTypes.get(m.method);
      if (type !== undefined) type.toObject(type.decode(m.payload), TO_OBJECT);
      n++;
    }
  }
  return { decoded: n, failures: 0 };
}

// ---------------------------------------------------------------------------------------------------------
// Run
// ---------------------------------------------------------------------------------------------------------

const mb = (n) => n / 1e6;
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const gc = globalThis.gc ?? (() => {});

const t0 = performance.now();
const corpus = buildCorpus(FRAMES);
const buildMs = performance.now() - t0;
const { frames, messageCount } = corpus;
const compressedBytes = frames.reduce((s, f) => s + f.length, 0);
const payloads = frames.map((f) => decodeWire('PushFrame', f).payload);
const bodies = payloads.map((p) => gunzipSync(p));
const inflatedBytes = bodies.reduce((s, b) => s + b.length, 0);
const chatCount = corpus.byMethod.get('WebcastChatMessage')?.count ?? 0;
const MIX_METHODS = new Set(corpus.byMethod.keys());

const cases = [
  { key: 'full', label: '(1) ours: livePipeline, all decoded', run: () => oursFull(frames), expect: messageCount },
  {
    key: 'lazy',
    label: '(2) ours: liveEnvelopes + ofMethod(chat)',
    run: () => oursLazyChat(frames),
    expect: chatCount,
  },
  {
    key: 'base',
    label: '(3) baseline: protobufjs reflection',
    run: () => naiveProtobufjs(frames),
    expect: messageCount,
  },
  { key: 'floor', label: '(4) floor: gunzipSync only', run: () => gunzipFloor(payloads), expect: 0 },
  { key: 'norx', label: '(5) ours without RxJS, all decoded', run: () => oursNoRx(frames), expect: messageCount },
  {
    key: 'dec',
    label: '(6) ours: decode only (pre-inflated)',
    run: () => oursDecodeOnly(bodies),
    expect: messageCount,
  },
  {
    key: 'pbdec',
    label: '(7) protobufjs: decode only (pre-inflated)',
    run: () => naiveDecodeOnly(bodies),
    expect: messageCount,
  },
].filter((c) => ONLY === undefined || ONLY.has(c.key));

console.log(
  `node ${process.version} on ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.platform()} ${os.arch()})`,
);
console.log(
  `corpus: ${fmtInt(FRAMES)} frames, ${fmtInt(messageCount)} messages (built in ${(buildMs / 1000).toFixed(1)} s, seed 0x${SEED.toString(16)})`,
);
console.log(
  `  ${mb(compressedBytes).toFixed(1)} MB of PushFrames (gzipped), ${mb(inflatedBytes).toFixed(1)} MB inflated Responses, ` +
    `ratio ${(inflatedBytes / compressedBytes).toFixed(1)}:1, ${fmtInt(compressedBytes / FRAMES)} B/frame`,
);
const mix = [...corpus.byMethod.entries()]
  .sort((a, b) => b[1].count - a[1].count)
  .map(
    ([m, s]) =>
      `${m.replace('Webcast', '')} ${((100 * s.count) / messageCount).toFixed(0)}% ~${fmtInt(s.bytes / s.count)} B`,
  )
  .join(', ');
console.log(`  mix: ${mix}`);
console.log(`  ${WARMUP} warm-up + ${ITERATIONS} timed iterations per case, round-robin\n`);

const times = new Map(cases.map((c) => [c.key, []]));
for (let iter = 0; iter < WARMUP + ITERATIONS; iter++) {
  for (const c of cases) {
    gc();
    const start = performance.now();
    const result = c.run();
    const ms = performance.now() - start;
    if (result.decoded !== c.expect || result.failures !== 0)
      throw new Error(`${c.label}: decoded ${result.decoded} (expected ${c.expect}), ${result.failures} failures`);
    if (iter >= WARMUP) times.get(c.key).push(ms);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const stats = new Map(
  cases.map((c) => {
    const xs = times.get(c.key);
    return [c.key, { best: Math.min(...xs), median: median(xs) }];
  }),
);

const base = stats.get('base')?.median;
const floor = stats.get('floor')?.median;
const rows = cases.map((c) => {
  const { best, median: med } = stats.get(c.key);
  const s = med / 1000;
  const preInflated = c.key === 'dec' || c.key === 'pbdec';
  return [
    c.label,
    `${best.toFixed(0)} / ${med.toFixed(0)}`,
    fmtInt(messageCount / s),
    fmtInt(FRAMES / s),
    preInflated ? `(${mb(inflatedBytes / s).toFixed(0)} infl.)` : mb(compressedBytes / s).toFixed(1),
    base === undefined ? '–' : `${(base / med).toFixed(2)}×`,
    floor === undefined ? '–' : `${((100 * floor) / med).toFixed(0)}%`,
  ];
});
const header = ['case', 'best / median ms', 'messages/s', 'frames/s', 'MB/s in', 'vs baseline', 'vs floor'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
  `| ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|')}|`);
for (const r of rows) console.log(line(r));

console.log(
  `\nmessages/s and frames/s count every input message/frame, so (2) is the rate at which the stream is consumed ` +
    `while decoding only its ${fmtInt(chatCount)} chats. MB/s in: compressed PushFrame bytes (inflated Response ` +
    `bytes for (6)/(7)). vs baseline: median throughput ÷ protobufjs median throughput. vs floor: share of the ` +
    `gunzip-only throughput (100% = decoding for free).`,
);
console.log(`acks sent: ${fmtInt(sendSink.acks)} (${mb(sendSink.bytes).toFixed(1)} MB) over all iterations`);

// Per method, on the real payloads: ns per message through our envelope decode (wire decode + friendly
// mapping, what `MessageEnvelope.decode()` runs) and through protobufjs decode + toObject. Best of 5 rounds.
const realDir = join(root, '..', 'shared', 'realdata', 'payloads');
if (!PER_METHOD) {
  // left out on request
} else if (!existsSync(realDir)) {
  console.log(`\nper-method table skipped: ${realDir} not found (real payloads live beside the checkout)`);
} else {
  const timePerCall = (fn, calls) => {
    for (let i = 0; i < calls / 4; i++) fn();
    let best = Infinity;
    for (let round = 0; round < 5; round++) {
      const start = performance.now();
      for (let i = 0; i < calls; i++) fn();
      best = Math.min(best, performance.now() - start);
    }
    return (best * 1e6) / calls;
  };
  const perMethod = [];
  for (const file of readdirSync(realDir).sort()) {
    const method = `Webcast${file.replace(/\.bin$/, '')}`;
    const type = pbTypes.get(method);
    if (type === undefined) continue;
    const payload = new Uint8Array(readFileSync(join(realDir, file)));
    const raw = { method, payload, msgId: '1' };
    const check = decodeEnvelope(raw);
    if (check.kind === 'decode-failure') throw new Error(`${file}: ${check.error.message}`);
    const calls = Math.max(500, Math.round(2e6 / (payload.length + 100)));
    const ours = timePerCall(() => decodeEnvelope(raw), calls);
    const wireOnly = timePerCall(() => decodeWire(methods[method], payload), calls);
    let theirs;
    let note = '';
    try {
      type.toObject(type.decode(payload), TO_OBJECT);
      theirs = timePerCall(() => type.toObject(type.decode(payload), TO_OBJECT), calls);
    } catch (error) {
      note = `protobufjs toObject throws (${error.message}); its decode alone timed`;
      theirs = timePerCall(() => type.decode(payload), calls);
    }
    perMethod.push({ method, bytes: payload.length, ours, wireOnly, theirs, note });
  }
  perMethod.sort((a, b) => a.theirs / a.ours - b.theirs / b.ours);
  const slower = perMethod.filter((r) => r.ours > r.theirs);
  console.log(
    `\nper method, real payloads (${perMethod.length} methods; ns/message, best of 5; "mapping" = envelope decode − wire decode):`,
  );
  const show = [...perMethod.slice(0, 12), ...perMethod.filter((r) => MIX_METHODS.has(r.method))].filter(
    (r, i, all) => all.indexOf(r) === i,
  );
  const head = ['method', 'bytes', 'ours ns', 'wire-only ns', 'mapping ns', 'protobufjs ns', 'ours vs protobufjs'];
  const body = show.map((r) => [
    r.method.replace('Webcast', '') + (r.note ? ' *' : ''),
    fmtInt(r.bytes),
    fmtInt(r.ours),
    fmtInt(r.wireOnly),
    fmtInt(Math.max(0, r.ours - r.wireOnly)),
    fmtInt(r.theirs),
    `${(r.theirs / r.ours).toFixed(2)}×${r.ours > r.theirs ? ' SLOWER' : ''}`,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const row = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ')} |`;
  console.log(row(head));
  console.log(`|${w.map((n, i) => (i === 0 ? ':' : '') + '-'.repeat(n + 1) + (i === 0 ? '' : ':')).join('|')}|`);
  for (const r of body) console.log(row(r));
  console.log(
    `(the ${Math.min(12, perMethod.length)} worst ratios, then the corpus' methods; ` +
      `${slower.length} of ${perMethod.length} methods slower than protobufjs` +
      (slower.length ? `: ${slower.map((r) => r.method.replace('Webcast', '')).join(', ')})` : ')'),
  );
  for (const r of perMethod.filter((x) => x.note)) console.log(`* ${r.method}: ${r.note}`);
}

const mem = process.memoryUsage();
gc();
const memAfterGc = process.memoryUsage();
const peak = process.resourceUsage().maxRSS * 1024;
console.log(
  `memory after: heapUsed ${mb(mem.heapUsed).toFixed(0)} MB (after gc ${mb(memAfterGc.heapUsed).toFixed(0)} MB, corpus held), ` +
    `heapTotal ${mb(mem.heapTotal).toFixed(0)} MB, external+arrayBuffers ${mb(mem.external).toFixed(0)} MB, ` +
    `rss ${mb(mem.rss).toFixed(0)} MB, peak rss ${mb(peak).toFixed(0)} MB`,
);
