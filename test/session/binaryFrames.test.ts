// takeBinaryFrames: the push connection's own reader of whole binary frames, which hands everything else to ws. It
// must take exactly the leading run of frames ws would deliver as whole binary messages, and never read past a
// frame it does not take.
import fc from 'fast-check';
import { takeBinaryFrames } from '../../packages/core/src/session/binaryFrames.js';

interface Spec {
  readonly fin: boolean;
  readonly rsv: number;
  readonly opcode: number;
  readonly masked: boolean;
  readonly length: number;
  /** Writes a 64-bit length even when a shorter encoding would do. */
  readonly long?: boolean;
}

const binary = (length: number): Spec => ({ fin: true, rsv: 0, opcode: 2, masked: false, length });

/** A frame's bytes; its payload bytes count down from its length, so each payload can be told apart. */
function frame(spec: Spec): Uint8Array {
  const { length } = spec;
  const extended = spec.long || length >= 65536 ? 8 : length >= 126 ? 2 : 0;
  const head = 2 + extended + (spec.masked ? 4 : 0);
  const out = new Uint8Array(head + length);
  out[0] = (spec.fin ? 0x80 : 0) | (spec.rsv << 4) | spec.opcode;
  out[1] = (spec.masked ? 0x80 : 0) | (extended === 0 ? length : extended === 2 ? 126 : 127);
  const view = new DataView(out.buffer);
  if (extended === 2) view.setUint16(2, length);
  else if (extended === 8) view.setUint32(6, length);
  for (let i = 0; i < length; i++) out[head + i] = (length - i) & 0xff;
  return out;
}

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));
const payloadOf = (spec: Spec) => frame(spec).subarray(frame(spec).length - spec.length);

/** Runs takeBinaryFrames over bytes[0, to) and returns where it stopped and copies of what it took. */
function take(bytes: Uint8Array, to = bytes.length, more: () => boolean = () => true) {
  const taken: Uint8Array[] = [];
  const views: boolean[] = [];
  const stop = takeBinaryFrames(bytes, to, (p) => (taken.push(p.slice()), views.push(p.buffer === bytes.buffer)), more);
  return { stop, taken, views };
}

describe('takeBinaryFrames', () => {
  it('takes every whole binary frame, each length encoding, as views of the bytes given', () => {
    const specs = [0, 1, 125, 126, 127, 2000, 65535].map(binary);
    const bytes = concat(specs.map(frame));
    const { stop, taken, views } = take(bytes);
    expect(stop).toBe(bytes.length);
    expect(taken).toEqual(specs.map(payloadOf));
    expect(views.every(Boolean)).toBe(true);
  });

  it.each<[string, Spec]>([
    ['a text frame', { fin: true, rsv: 0, opcode: 1, masked: false, length: 5 }],
    ['a ping', { fin: true, rsv: 0, opcode: 9, masked: false, length: 4 }],
    ['a close frame', { fin: true, rsv: 0, opcode: 8, masked: false, length: 2 }],
    ['the first part of a fragmented message', { fin: false, rsv: 0, opcode: 2, masked: false, length: 5 }],
    ['a continuation frame', { fin: true, rsv: 0, opcode: 0, masked: false, length: 5 }],
    ['a frame with an extension bit', { fin: true, rsv: 4, opcode: 2, masked: false, length: 5 }],
    ['a masked frame (a protocol error from a server)', { fin: true, rsv: 0, opcode: 2, masked: true, length: 5 }],
    ['a 64-bit length', { fin: true, rsv: 0, opcode: 2, masked: false, length: 65536 }],
    ['a 64-bit length for a short payload', { fin: true, rsv: 0, opcode: 2, masked: false, length: 10, long: true }],
  ])('stops at %s and leaves it and all after it', (_name, spec) => {
    const first = frame(binary(3));
    const bytes = concat([first, frame(spec), frame(binary(4))]);
    const { stop, taken } = take(bytes);
    expect(stop).toBe(first.length);
    expect(taken).toEqual([payloadOf(binary(3))]);
  });

  it('stops at a frame the range cuts off, wherever the cut is', () => {
    const whole = frame(binary(3));
    const cut = frame(binary(300)); // 16-bit length: 4 header bytes
    const bytes = concat([whole, cut]);
    for (let to = whole.length; to < bytes.length; to++) {
      const { stop, taken } = take(bytes, to);
      expect([stop, taken.length]).toEqual([whole.length, 1]);
    }
    expect(take(bytes).stop).toBe(bytes.length);
  });

  it('reads only before `to`', () => {
    const a = frame(binary(7));
    const b = frame(binary(9));
    const bytes = concat([a, b, frame(binary(2))]);
    const { stop, taken } = take(bytes, a.length + b.length);
    expect(stop).toBe(a.length + b.length);
    expect(taken).toEqual([payloadOf(binary(7)), payloadOf(binary(9))]);
    expect(take(bytes, 0).stop).toBe(0);
  });

  it('asks before each frame whether to go on, and stops when told not to', () => {
    const bytes = concat([binary(1), binary(2), binary(3)].map(frame));
    let asked = 0;
    const { stop, taken } = take(bytes, bytes.length, () => ++asked <= 2);
    expect(taken.length).toBe(2);
    expect(asked).toBe(3);
    expect(stop).toBe(frame(binary(1)).length + frame(binary(2)).length);
  });

  it('takes exactly the leading run of whole binary messages of any frame stream', () => {
    const spec = fc.record({
      fin: fc.boolean(),
      rsv: fc.constantFrom(0, 0, 0, 1, 4),
      opcode: fc.constantFrom(2, 2, 2, 1, 0, 8, 9, 10),
      masked: fc.boolean(),
      length: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constantFrom(125, 126, 65535, 65536)),
    });
    fc.assert(
      fc.property(fc.array(spec, { maxLength: 12 }), (specs) => {
        const frames = specs.map(frame);
        const bytes = concat(frames);
        // The reference: whole frames from the start while each is FIN + binary, no RSV, unmasked, under 64 KiB.
        let run = 0;
        while (run < specs.length) {
          const s = specs[run]!;
          if (!s.fin || s.rsv !== 0 || s.opcode !== 2 || s.masked || s.length >= 65536) break;
          run++;
        }
        const { stop, taken } = take(bytes);
        expect(stop).toBe(frames.slice(0, run).reduce((n, f) => n + f.length, 0));
        expect(taken).toEqual(specs.slice(0, run).map(payloadOf));
      }),
      { numRuns: 500 },
    );
  });
});
