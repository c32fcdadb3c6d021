import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../packages/replay-cli/src/cli.js';
import { encodeFrame, encodeMessagePayload, messageFactory, userInit } from '@douyin-live/testing';
import { testContext } from '../helpers/cliContext.js';

const f = messageFactory({ now: () => 1_700_000_000_000, roomId: '7400000000000000009' });
const frame = encodeFrame({
  logId: '7300000000000000001',
  response: {
    needAck: true,
    cursor: 'c-1',
    messages: [f.chat('alice', 'hello 世界'), f.gift({ user: 'bob', name: 'Rose', repeatCount: 2 })],
  },
});

describe('douyin-live decode', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dl-decode-'));
  const file = join(dir, 'frame.bin');
  writeFileSync(file, frame);

  it('prints the frame, the Response and every message readably', async () => {
    const t = testContext();
    expect(await runCli(['decode', file], t)).toBe(0);
    const text = t.lines.join('\n');
    expect(text).toMatch(/PushFrame logId=7300000000000000001 .*payloadType=msg/);
    expect(text).toMatch(/Response messages=2 needAck=true cursor=c-1/);
    expect(text).toContain('alice: hello 世界');
    expect(text).toMatch(/bob sent Rose ×2/);
  });

  it('reads hex and base64 text from stdin and prints one JSON document with 64-bit values as strings', async () => {
    for (const [flag, text] of [
      ['--hex', Buffer.from(frame).toString('hex')],
      ['--base64', Buffer.from(frame).toString('base64')],
    ] as const) {
      const t = testContext({ stdin: Buffer.from(`${text}\n`) });
      expect(await runCli(['decode', '-', flag, '--json'], t)).toBe(0);
      expect(t.lines).toHaveLength(1);
      const doc = JSON.parse(t.lines[0]!);
      expect(doc.frame).toMatchObject({ logId: '7300000000000000001', payloadType: 'msg' });
      expect(doc.response).toMatchObject({ needAck: true, messageCount: 2 });
      expect(doc.messages[0]).toMatchObject({
        method: 'WebcastChatMessage',
        msgId: expect.stringMatching(/^\d{19}$/),
        roomId: '7400000000000000009',
        content: 'hello 世界',
      });
      expect(doc.messages[0].raw).toBeUndefined();
    }
  });

  it('decodes a single message payload with --as message --method', async () => {
    const payload = encodeMessagePayload('WebcastLikeMessage', { user: userInit('carol'), count: '3', total: '99' });
    const t = testContext({ stdin: payload });
    expect(await runCli(['decode', '-', '--as', 'message', '--method', 'WebcastLikeMessage'], t)).toBe(0);
    expect(t.lines.join('\n')).toMatch(/carol liked ×3 \(room total 99\)/);
  });

  it.each([
    [
      'garbage bytes',
      ['decode', '-'],
      Buffer.from('garbage'),
      /not a PushFrame: invalid wire type 7 at byte 1 \[FRAME_DECODE_FAILED\]/,
    ],
    ['bad hex', ['decode', '-', '--hex'], Buffer.from('zz'), /input is not hex text \[INVALID_ARGUMENT\]/],
    ['a missing method', ['decode', '-', '--as', 'message'], Buffer.from(''), /--as message needs --method/],
    [
      'an unknown method',
      ['decode', '-', '--as', 'message', '--method', 'WebcastNope'],
      Buffer.from(''),
      /unknown method WebcastNope/,
    ],
    ['a missing file', ['decode', '/no/such/file.bin'], Buffer.from(''), /no such file: \/no\/such\/file.bin/],
  ])('fails on %s with exit 1 and one line, no stack', async (_name, argv, stdin, message) => {
    const t = testContext({ stdin: stdin });
    expect(await runCli(argv, t)).toBe(1);
    expect(t.errors).toHaveLength(1);
    expect(t.errors[0]).toMatch(message);
    expect(t.lines).toEqual([]);
  });

  it('rejects conflicting flags as a usage error (exit 2)', async () => {
    const t = testContext();
    expect(await runCli(['decode', file, '--hex', '--base64'], t)).toBe(2);
    expect(t.errors.join('\n')).toMatch(/mutually exclusive/);
  });
});
