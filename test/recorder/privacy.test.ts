import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { from, lastValueFrom, toArray } from 'rxjs';
import { isDecodeFailure, livePipeline, type LiveMessage } from '@douyin-live/core';
import { encodeFrame, messageFactory, userInit } from '@douyin-live/testing';
import {
  createRecorder,
  Pseudonymiser,
  RecordingReader,
  scrubUrl,
  type FrameRecord,
  type RawFrameEvent,
  type RecordingRecord,
} from '@douyin-live/recorder';
import { generateSession, OPEN_HEADERS, PUSH_URL, SECRETS, VIEWERS } from './session.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dyrec-priv-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(path: string): Promise<RecordingRecord[]> {
  const out: RecordingRecord[] = [];
  for await (const r of new RecordingReader(path)) out.push(r);
  return out;
}

async function record(path: string, events: readonly RawFrameEvent[], options = {}) {
  const recorder = createRecorder(path, { now: () => events[0]!.at, ...options });
  for (const e of events) recorder.write(e);
  return recorder.end();
}

async function messagesOf(records: readonly RecordingRecord[]): Promise<LiveMessage[]> {
  const inbound = records.filter((r): r is FrameRecord => r.kind === 'in').map((r) => r.bytes);
  const out = await lastValueFrom(from(inbound).pipe(livePipeline(), toArray()));
  expect(out.filter(isDecodeFailure)).toEqual([]);
  return out as LiveMessage[];
}

describe('secrets', () => {
  it('never writes a cookie value or msToken, wherever the session carried them', async () => {
    const events: RawFrameEvent[] = [
      ...generateSession({ frames: 30 }),
      {
        direction: 'error',
        connection: 3,
        code: 'HANDSHAKE_REJECTED',
        message: `rejected: Cookie: ttwid=${SECRETS.ttwid}; sessionid=${SECRETS.sessionid}`,
        at: 1_700_000_010_000,
      },
      {
        direction: 'close',
        connection: 3,
        code: 4001,
        reason: `bad token ${SECRETS.sessionid}`,
        at: 1_700_000_010_001,
      },
    ];
    const path = join(dir, 'cookies.dyrec');
    await record(path, events, { secrets: [SECRETS.ttwid, SECRETS.sessionid] });
    const bytes = readFileSync(path);
    for (const secret of Object.values(SECRETS)) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
      // Also URL-encoded, as a cookie value may travel.
      expect(bytes.includes(Buffer.from(encodeURIComponent(secret)))).toBe(false);
    }
    const records = await readAll(path);
    const open = records.find((r) => r.kind === 'open')!;
    expect(open).toMatchObject({ headers: { 'handshake-status': '0', 'x-tt-logid': '2024abcdef' } });
    expect(Object.keys((open as { headers: object }).headers).map((h) => h.toLowerCase())).not.toContain('set-cookie');
    const url = new URL((open as { url: string }).url);
    expect(url.searchParams.get('msToken')).toBe('REDACTED');
    expect(url.searchParams.get('a_bogus')).toBe('REDACTED');
    // Not a secret: a hash of the public parameters, needed to replay the handshake.
    expect(url.searchParams.get('signature')).toBe('sig123456');
    expect(url.searchParams.get('room_id')).toBe('7400000000000000001');
    // The error message quoted the URL; its token is gone too.
    expect(records.find((r) => r.kind === 'error')).toMatchObject({
      message: expect.stringContaining('msToken=REDACTED'),
    });
  });

  it('scrubs secret parameters from URLs that do not parse, too', () => {
    expect(scrubUrl(`not a url?x=1&msToken=${SECRETS.msToken}`)).toBe('not a url?x=1&msToken=REDACTED');
    expect(PUSH_URL).toContain(SECRETS.msToken);
    expect(OPEN_HEADERS['set-cookie']).toContain(SECRETS.ttwid);
  });
});

describe('pseudonymised users', () => {
  it('replaces nicknames and ids consistently, and the frames still decode', async () => {
    const events = generateSession({ frames: 60 });
    const plain = join(dir, 'plain.dyrec');
    const redacted = join(dir, 'redacted.dyrec');
    await record(plain, events);
    const stats = await record(redacted, events, {
      pseudonymiseUsers: true,
      room: { webRid: '1', roomId: '2', title: 't', anchor: { nickname: '主播', id: '100000001' } },
    });
    expect(stats.pseudonyms).toMatchObject({ framesRewritten: 60, unknownMessages: 0, undecodable: 0 });

    const bytes = readFileSync(redacted);
    for (const name of VIEWERS.filter((v) => !v.includes('*'))) {
      expect(bytes.includes(Buffer.from(name))).toBe(false);
      expect(bytes.includes(Buffer.from(userInit(name).id!))).toBe(false);
    }
    const header = await new RecordingReader(redacted).header();
    expect(header.pseudonymised).toBe(true);
    expect(header.room?.anchor?.nickname).toMatch(/^user_[0-9a-f]{8}$/);

    const before = await messagesOf(await readAll(plain));
    const after = await messagesOf(await readAll(redacted));
    expect(after.map((m) => m.method)).toEqual(before.map((m) => m.method));
    // One real user ↔ one pseudonym, both ways.
    const mapping = new Map<string, string>();
    const reverse = new Map<string, string>();
    after.forEach((m, i) => {
      const b = before[i]!;
      if (!('user' in b) || b.user === undefined || !('user' in m) || m.user === undefined) return;
      expect(m.user.nickname).not.toBe(b.user.nickname);
      expect(m.user.id).not.toBe(b.user.id);
      expect(m.user.id).toMatch(/^\d{19}$/);
      expect(m.user.secUid).not.toBe(b.user.secUid);
      const key = `${m.user.nickname}|${m.user.id}|${m.user.secUid}`;
      expect(mapping.get(b.user.nickname) ?? key).toBe(key);
      expect(reverse.get(key) ?? b.user.nickname).toBe(b.user.nickname);
      mapping.set(b.user.nickname, key);
      reverse.set(key, b.user.nickname);
      // A masked nickname stays masked; everything but identity survives.
      expect(m.user.masked).toBe(b.user.masked);
      expect(m.user.payLevel).toBe(b.user.payLevel);
      if (m.method === 'WebcastChatMessage' && b.method === 'WebcastChatMessage') expect(m.content).toBe(b.content);
      if (m.method === 'WebcastGiftMessage' && b.method === 'WebcastGiftMessage')
        expect(m.repeatCount).toBe(b.repeatCount);
      expect(m.msgId).toBe(b.msgId);
    });
    expect(mapping.size).toBe(VIEWERS.length);
    // Acks and heartbeats are left as they were.
    const outBefore = (await readAll(plain)).filter((r): r is FrameRecord => r.kind === 'out');
    const outAfter = (await readAll(redacted)).filter((r): r is FrameRecord => r.kind === 'out');
    expect(outAfter.map((r) => Buffer.from(r.bytes).toString('hex'))).toEqual(
      outBefore.map((r) => Buffer.from(r.bytes).toString('hex')),
    );
  });

  it('reaches users nested in rank lists, fan clubs, emoji and screen chats, and text pieces', () => {
    const f = messageFactory();
    const alice = userInit({ nickname: 'AliceRealName', id: '9876543210', secUid: 'MS4wLjABAAAAaliceSecret' });
    const bob = userInit({ nickname: 'BobRealName', id: '1234567890' });
    const avatar = { uri: 'aweme-avatar/alice-real', urlList: ['https://p3.douyinpic.com/aweme/alice-real.jpeg'] };
    const frame = encodeFrame({
      response: {
        messages: [
          f.message('WebcastRoomUserSeqMessage', {
            ranks: [{ user: { ...alice, avatarThumb: avatar }, score: '10', rank: '1' }],
            seats: [{ user: bob, score: '5', rank: '2' }],
            total: '2',
          }),
          f.message('WebcastFansclubMessage', { user: alice, content: 'joined' }),
          f.message('WebcastEmojiChatMessage', { user: bob, emojiId: '1' }),
          f.message('WebcastScreenChatMessage', { user: alice, content: 'hi' }),
          f.message('WebcastGiftMessage', { user: alice, toUser: bob, giftId: '1' }),
          f.message('WebcastMemberMessage', { user: bob, userId: '1234567890', memberCount: '3' }),
          f.message('WebcastChatMessage', {
            user: alice,
            content: 'x',
            common: { displayText: { pieces: [{ userValue: { user: bob } }] } },
          }),
        ],
      },
    });
    const p = new Pseudonymiser(Buffer.alloc(32, 7));
    const out = Buffer.from(p.frame(frame));
    for (const secret of ['AliceRealName', 'BobRealName', '9876543210', '1234567890', 'aliceSecret', 'alice-real']) {
      expect(out.includes(Buffer.from(secret))).toBe(false);
    }
    // Stable for one key: the same frame gives the same bytes, and the same user the same pseudonym.
    expect(Buffer.from(new Pseudonymiser(Buffer.alloc(32, 7)).frame(frame)).equals(out)).toBe(true);
    expect(p.nickname('AliceRealName')).toBe(new Pseudonymiser(Buffer.alloc(32, 7)).nickname('AliceRealName'));
    expect(p.nickname('AliceRealName')).not.toBe(new Pseudonymiser(Buffer.alloc(32, 8)).nickname('AliceRealName'));
    expect(p.stats.usersReplaced).toBeGreaterThanOrEqual(10);
  });
});
