// The file must be plain MessagePack that any decoder reads. This test decodes a recording with a minimal decoder
// written from the MessagePack spec (no msgpackr), which knows no extension types at all.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRecorder } from '@douyin-live/recorder';
import { generateSession } from './session.js';

/** Decodes one MessagePack value at `pos`; extension types (and the reserved 0xc1) throw. */
function decodeSpec(buf: Buffer, pos: number): [unknown, number] {
  const b = buf[pos++]!;
  const str = (n: number): [string, number] => [buf.toString('utf8', pos, pos + n), pos + n];
  const bin = (n: number): [Uint8Array, number] => [buf.subarray(pos, pos + n), pos + n];
  const arr = (n: number): [unknown[], number] => {
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      const [v, p] = decodeSpec(buf, pos);
      out.push(v);
      pos = p;
    }
    return [out, pos];
  };
  const map = (n: number): [Record<string, unknown>, number] => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const [k, p1] = decodeSpec(buf, pos);
      if (typeof k !== 'string') throw new Error(`non-string map key at ${pos}`);
      const [v, p2] = decodeSpec(buf, p1);
      out[k] = v;
      pos = p2;
    }
    return [out, pos];
  };
  if (b <= 0x7f) return [b, pos];
  if (b >= 0xe0) return [b - 0x100, pos];
  if (b >= 0x80 && b <= 0x8f) return map(b & 0x0f);
  if (b >= 0x90 && b <= 0x9f) return arr(b & 0x0f);
  if (b >= 0xa0 && b <= 0xbf) return str(b & 0x1f);
  switch (b) {
    case 0xc0:
      return [null, pos];
    case 0xc2:
      return [false, pos];
    case 0xc3:
      return [true, pos];
    case 0xc4:
      return bin(buf.readUInt8((pos += 1) - 1));
    case 0xc5:
      return bin(buf.readUInt16BE((pos += 2) - 2));
    case 0xc6:
      return bin(buf.readUInt32BE((pos += 4) - 4));
    case 0xca:
      return [buf.readFloatBE(pos), pos + 4];
    case 0xcb:
      return [buf.readDoubleBE(pos), pos + 8];
    case 0xcc:
      return [buf.readUInt8(pos), pos + 1];
    case 0xcd:
      return [buf.readUInt16BE(pos), pos + 2];
    case 0xce:
      return [buf.readUInt32BE(pos), pos + 4];
    case 0xcf:
      return [Number(buf.readBigUInt64BE(pos)), pos + 8];
    case 0xd0:
      return [buf.readInt8(pos), pos + 1];
    case 0xd1:
      return [buf.readInt16BE(pos), pos + 2];
    case 0xd2:
      return [buf.readInt32BE(pos), pos + 4];
    case 0xd3:
      return [Number(buf.readBigInt64BE(pos)), pos + 8];
    case 0xd9:
      return str(buf.readUInt8((pos += 1) - 1));
    case 0xda:
      return str(buf.readUInt16BE((pos += 2) - 2));
    case 0xdb:
      return str(buf.readUInt32BE((pos += 4) - 4));
    case 0xdc:
      return arr(buf.readUInt16BE((pos += 2) - 2));
    case 0xdd:
      return arr(buf.readUInt32BE((pos += 4) - 4));
    case 0xde:
      return map(buf.readUInt16BE((pos += 2) - 2));
    case 0xdf:
      return map(buf.readUInt32BE((pos += 4) - 4));
    default:
      throw new Error(`type byte 0x${b.toString(16)} at ${pos - 1} is an extension or reserved`);
  }
}

describe('the .dyrec byte format', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dyrec-fmt-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a sequence of standard MessagePack maps, readable without msgpackr', async () => {
    const events = generateSession({ frames: 50 });
    const path = join(dir, 'plain.dyrec');
    const recorder = createRecorder(path, {
      now: () => events[0]!.at,
      room: { webRid: '1', roomId: '2', title: 't', anchor: { nickname: 'a' } },
    });
    for (const e of events) recorder.write(e);
    await recorder.end();
    const buf = readFileSync(path);
    const values: Array<Record<string, unknown>> = [];
    for (let pos = 0; pos < buf.length;) {
      const [value, next] = decodeSpec(buf, pos);
      values.push(value as Record<string, unknown>);
      pos = next;
    }
    expect(values[0]).toMatchObject({ format: 'dyrec', kind: 'header', version: 1, part: 0, room: { webRid: '1' } });
    expect(Object.keys(values[0]!)[0]).toBe('format');
    expect(values.slice(1).map((v) => v['kind'])).toEqual([...events.map((e) => e.direction), 'end']);
    const firstIn = values.find((v) => v['kind'] === 'in')!;
    const event = events.find((e) => e.direction === 'in')!;
    expect(
      Buffer.from(firstIn['bytes'] as Uint8Array).equals(Buffer.from((event as { bytes: Uint8Array }).bytes)),
    ).toBe(true);
    expect(firstIn['ms']).toBe(event.at - events[0]!.at);
  });
});
