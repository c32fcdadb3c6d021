// The decoder against real bytes captured from Douyin (../shared/realdata, never copied into the project).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeEnvelope, isKnownMethod } from '../packages/core/src/messages/envelope.js';
import type { LiveMessage } from '../packages/core/src/messages/types.js';
import { isDecodeFailure } from '../packages/core/src/pipeline/types.js';
import { decodeWire, encodeWire } from '@douyin-live/testing';

const REALDATA = join(__dirname, '../../shared/realdata');
const present = existsSync(REALDATA);
if (!present) console.warn(`SKIPPING real-data tests: ${REALDATA} is absent (it sits beside the checkout in CI)`);
const describeReal = present ? describe : describe.skip;

const payload = (name: string) => readFileSync(join(REALDATA, 'payloads', `${name}.bin`));
const decodePayload = (name: string): LiveMessage => {
  const out = decodeEnvelope(
    decodeWire('Message', encodeWire('Message', { method: `Webcast${name}`, msgId: '1', payload: payload(name) })),
  );
  if (isDecodeFailure(out)) throw out.error;
  return out;
};

describeReal('real Douyin payloads', () => {
  const files = present ? readdirSync(join(REALDATA, 'payloads')).filter((f) => f.endsWith('.bin')) : [];

  it('has the captured methods, every one known to the schema', () => {
    // The README says 62; the folder holds 61 files (one method per file).
    expect(files.length).toBeGreaterThanOrEqual(61);
    for (const f of files) expect(isKnownMethod(`Webcast${f.replace(/\.bin$/, '')}`)).toBe(true);
  });

  it.each(files.map((f) => f.replace(/\.bin$/, '')))('%s decodes with no error value', (name) => {
    const message = decodePayload(name);
    expect(message).toMatchObject({ kind: 'message', method: `Webcast${name}` });
    expect('unknown' in message).toBe(false);
  });

  it('reads the values the README lists', () => {
    expect(decodePayload('ChatMessage')).toMatchObject({
      content: '最后应该给他冻住',
      user: { nickname: '<REDACTED>' },
    });
    expect(decodePayload('GiftMessage')).toMatchObject({
      giftId: '685',
      gift: { id: '685', name: '粉丝团灯牌' },
      repeatCount: 1,
    });
    expect(decodePayload('LikeMessage')).toMatchObject({ count: 11, total: 30735 });
    expect(decodePayload('MemberMessage')).toMatchObject({ memberCount: 7576 });
    expect(decodePayload('RoomUserSeqMessage')).toMatchObject({ total: 216, totalUser: 8341 });
    expect(decodePayload('SocialMessage')).toMatchObject({ action: 3, type: 'share' });
  });
});

describeReal('real im/fetch Responses', () => {
  const decodeAll = (file: string) => {
    const response = decodeWire('Response', readFileSync(join(REALDATA, 'responses', file)));
    const messages = response.messages.map((m) => {
      const out = decodeEnvelope(m);
      if (isDecodeFailure(out)) throw out.error;
      return out as LiveMessage & Record<string, unknown>;
    });
    return { response, messages };
  };

  it('fetch-2021-11-28.bin: 8 messages with the listed values', () => {
    const { messages } = decodeAll('fetch-2021-11-28.bin');
    expect(messages).toHaveLength(8);
    expect(messages.filter((m) => m.method === 'WebcastMemberMessage')).toHaveLength(4);
    expect(messages.find((m) => m.method === 'WebcastLikeMessage')).toMatchObject({ count: 1, total: 110489 });
    expect(messages.find((m) => m.method === 'WebcastGiftMessage')).toMatchObject({
      giftId: '463',
      gift: { name: '小心心' },
    });
    expect(messages.find((m) => m.method === 'WebcastRoomUserSeqMessage')).toMatchObject({
      total: 13719,
      totalUser: 197318,
    });
    const chat = messages.find((m) => m.method === 'WebcastChatMessage');
    expect(chat).toMatchObject({ user: { nickname: '用户逍遥狼' }, roomId: '7035374524765981453' });
    expect(String(chat?.['content'])).toMatch(/^妹妹长得俊俏，支持你正能量主播。\[玫瑰\]/);
    // 64-bit ids beyond 2^53 survive exactly.
    for (const m of messages) expect(m.msgId).toMatch(/^70\d{17}$/);
  });

  it('fetch-2021-12-13.bin: 21 messages with the listed values', () => {
    const { messages } = decodeAll('fetch-2021-12-13.bin');
    expect(messages).toHaveLength(21);
    const count = (method: string) => messages.filter((m) => m.method === method).length;
    expect([count('WebcastRoomMessage'), count('WebcastRoomIntroMessage'), count('WebcastMemberMessage')]).toEqual([
      1, 1, 14,
    ]);
    expect([count('WebcastLiveShoppingMessage'), count('WebcastRoomUserSeqMessage')]).toEqual([2, 2]);
    expect(messages.find((m) => m.method === 'WebcastChatMessage')).toMatchObject({
      user: { nickname: '静境' },
      content: '山海经及增广贤文已拍',
      roomId: '7040828559455554317',
    });
  });
});
