// A recording damaged inside its frames' deflate data: `.dyrec` files carry no checksum of their own, and the
// inflater skips gzip's CRC-32 (pipeline/inflate.ts), so a damaged frame may fail to inflate, inflate to a broken
// Response or message, or decode to other values. Whatever it does, replay must keep going and report typed
// decode failures, never throw.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeFrame,
  envelopesOf,
  ErrorCodes,
  isGzip,
  unpackResponse,
  type DecodedFrame,
  type DouyinLiveError,
} from '@douyin-live/core';
import { RecordingReader, type FrameRecord } from '@douyin-live/recorder';
import { replaySession } from '@douyin-live/replay-cli';
import { fixture } from './helpers.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dyrec-corrupt-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DECODE_CODES: readonly string[] = [
  ErrorCodes.GZIP_FAILED,
  ErrorCodes.RESPONSE_DECODE_FAILED,
  ErrorCodes.MESSAGE_DECODE_FAILED,
];

async function inboundGzipFrames(path: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const r of new RecordingReader(path)) {
    if (r.kind !== 'in') continue;
    const frame = decodeFrame((r as FrameRecord).bytes);
    if (frame.kind === 'frame' && frame.payload.length > 18 && isGzip(frame.payload))
      out.push((r as FrameRecord).bytes);
  }
  return out;
}

async function replayAll(path: string) {
  const session = replaySession(path, { speed: 'max' });
  const errors: DouyinLiveError[] = [];
  let messages = 0;
  session.messages$.subscribe({ next: () => messages++, error: () => undefined });
  session.errors$.subscribe((e) => errors.push(e));
  const outcome = await session.done;
  return { errors, messages, outcome };
}

describe('a recording with bytes flipped in the deflate data of its frames', () => {
  it('replays to the end with typed decode failures, and each damaged frame decodes to values or failures', async () => {
    const source = fixture('busy-room');
    const file = readFileSync(source);
    const damaged = Buffer.from(file);
    const frames = await inboundGzipFrames(source);
    expect(frames.length).toBeGreaterThan(20);

    let inflateFailures = 0;
    // Every inbound gzip frame but the last, which carries the control message that ends the live.
    frames.slice(0, -1).forEach((bytes, k) => {
      const frameAt = file.indexOf(bytes);
      const payload = (decodeFrame(bytes) as DecodedFrame).payload;
      const payloadAt = frameAt + Buffer.from(bytes).indexOf(Buffer.from(payload));
      // One bit of the deflate body (after the 10-byte header, before the 8-byte trailer), a different one each time.
      const bodyBytes = payload.length - 18;
      damaged[payloadAt + 10 + ((k * 7919) % bodyBytes)]! ^= 1 << (k % 8);
      const copy = damaged.subarray(frameAt, frameAt + bytes.length);

      // The stages themselves: a value or a typed failure at each step, never a throw.
      const frame = decodeFrame(copy);
      expect(frame.kind).toBe('frame');
      const item = unpackResponse(frame as DecodedFrame);
      if (item.kind === 'decode-failure') {
        expect(DECODE_CODES).toContain(item.error.code);
        if (item.error.code === ErrorCodes.GZIP_FAILED) inflateFailures++;
        return;
      }
      for (const envelope of envelopesOf(item)) {
        const decoded = envelope.decode();
        if (decoded.kind === 'decode-failure') expect(decoded.error.code).toBe(ErrorCodes.MESSAGE_DECODE_FAILED);
        else expect(decoded.kind).toBe('message');
      }
    });
    // Most single-bit flips break the deflate stream itself.
    expect(inflateFailures).toBeGreaterThan(0);
    const path = join(dir, 'damaged.dyrec');
    writeFileSync(path, damaged);

    const before = await replayAll(source);
    const after = await replayAll(path);
    expect(after.outcome).toEqual(before.outcome);
    const added = after.errors.filter((e) => !before.errors.some((b) => b.code === e.code && b.message === e.message));
    expect(added.length).toBeGreaterThanOrEqual(inflateFailures);
    for (const e of added) expect(DECODE_CODES).toContain(e.code);
    expect(after.messages).toBeGreaterThan(0);
  });
});
