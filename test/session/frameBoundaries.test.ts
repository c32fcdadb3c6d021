// FrameBoundaries against a reference: random WebSocket frame streams (RFC 6455 §5.2: every length encoding, masked
// and unmasked, control frames inside fragmented messages), cut into random chunks at every kind of place.
import { FrameBoundaries } from '../../packages/core/src/session/frameBoundaries.js';
import { mulberry32 } from '@douyin-live/simulator';

/** One frame's bytes (payload bytes are arbitrary: only lengths matter). */
function frame(fin: boolean, opcode: number, length: number, masked: boolean): Uint8Array {
  const extended = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const head = 2 + extended + (masked ? 4 : 0);
  const out = new Uint8Array(head + length).fill(0xa5);
  out[0] = (fin ? 0x80 : 0) | opcode;
  out[1] = (masked ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  if (extended === 2) {
    out[2] = length >> 8;
    out[3] = length & 0xff;
  } else if (extended === 8) {
    const view = new DataView(out.buffer);
    view.setUint32(2, 0);
    view.setUint32(6, length);
  }
  return out;
}

/** A random stream and the offsets after which nothing is pending (end of a frame, outside a fragmented message). */
function stream(random: () => number): { bytes: Uint8Array; boundaries: Set<number> } {
  const parts: Uint8Array[] = [];
  const boundaries = new Set<number>([0]);
  let offset = 0;
  let fragmented = false;
  const lengths = [0, 1, 125, 126, 127, 200, 65535, 65536, 70000];
  for (let i = 0; i < 40; i++) {
    const length = random() < 0.3 ? lengths[Math.floor(random() * lengths.length)]! : Math.floor(random() * 300);
    const masked = random() < 0.5;
    let f: Uint8Array;
    if (random() < 0.15) {
      f = frame(true, 0x9, Math.min(length, 125), masked); // ping, may sit between fragments
    } else if (fragmented) {
      const fin = random() < 0.5;
      f = frame(fin, 0x0, length, masked);
      fragmented = !fin;
    } else {
      const fin = random() < 0.7;
      f = frame(fin, 0x2, length, masked);
      fragmented = !fin;
    }
    parts.push(f);
    offset += f.length;
    if (!fragmented) boundaries.add(offset);
  }
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, boundaries };
}

describe('FrameBoundaries', () => {
  it('says, after every chunk, exactly whether the stream stands between frames outside a fragmented message', () => {
    const random = mulberry32(20261205);
    for (let run = 0; run < 60; run++) {
      const { bytes, boundaries } = stream(random);
      const tracker = new FrameBoundaries();
      let at = 0;
      while (at < bytes.length) {
        // Chunks of 1 byte (cuts inside headers), small, and large (several frames at once).
        const r = random();
        const size = r < 0.2 ? 1 : r < 0.6 ? 1 + Math.floor(random() * 20) : 1 + Math.floor(random() * 100_000);
        const end = Math.min(bytes.length, at + size);
        expect(tracker.feed(bytes.subarray(at, end))).toBe(boundaries.has(end));
        expect(tracker.atBoundary).toBe(boundaries.has(end));
        at = end;
      }
    }
  });

  it('follows a 64-bit length beyond 2³²: nothing is at a boundary until all of it has passed', () => {
    const tracker = new FrameBoundaries();
    const header = Uint8Array.of(0x82, 127, 0, 0, 0, 1, 0, 0, 0, 5); // 2³² + 5 payload bytes
    expect(tracker.feed(header)).toBe(false);
    const mib = new Uint8Array(1 << 20);
    for (let i = 0; i < 4096; i++) expect(tracker.feed(mib)).toBe(false);
    expect(tracker.feed(new Uint8Array(4))).toBe(false);
    expect(tracker.feed(new Uint8Array(1))).toBe(true);
  });

  it('is at a boundary before anything is fed, and after empty chunks', () => {
    const tracker = new FrameBoundaries();
    expect(tracker.atBoundary).toBe(true);
    expect(tracker.feed(new Uint8Array(0))).toBe(true);
    expect(tracker.feed(Uint8Array.of(0x82))).toBe(false);
    expect(tracker.feed(new Uint8Array(0))).toBe(false);
    expect(tracker.feed(Uint8Array.of(0x00))).toBe(true); // an empty binary frame
  });
});
