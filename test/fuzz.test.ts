// Byte-level fuzzing of the whole pipeline: random and mutated frames never throw out of the stream, never
// hang, and each input yields values or typed failures — and a good frame after them still decodes.
import fc from 'fast-check';
import { from, lastValueFrom, toArray } from 'rxjs';
import { livePipeline } from '../packages/core/src/pipeline/livePipeline.js';
import { encodeFrame, messageFactory } from '@douyin-live/testing';

const f = messageFactory({ now: () => 1 });
const seed = encodeFrame({
  logId: '12',
  response: {
    needAck: true,
    internalExt: 'ext',
    messages: [f.chat('alice', 'hello'), f.gift({ user: 'bob' }), f.like('c', 1, 2)],
  },
});
const plainSeed = encodeFrame({ gzip: false, response: { messages: [f.member('dave', 3), f.viewers(10, 20)] } });
const sentinel = encodeFrame({ response: { messages: [f.chat('zed', 'sentinel')] } });

async function run(frames: Uint8Array[]) {
  const acks: Uint8Array[] = [];
  const out = await lastValueFrom(
    from([...frames, sentinel]).pipe(livePipeline({ send: (b) => acks.push(b) }), toArray()),
  );
  return out;
}

function mutate(bytes: Uint8Array, edits: Array<[number, number]>, cut: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  for (const [at, value] of edits) if (copy.length) copy[at % copy.length] = value;
  return copy.subarray(0, Math.max(0, copy.length - cut));
}

describe('pipeline fuzz', () => {
  it('random bytes: never throws, always ends with the sentinel chat', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), async (frames) => {
        const out = await run(frames);
        expect(out.at(-1)).toMatchObject({ method: 'WebcastChatMessage', content: 'sentinel' });
        for (const item of out) expect(['message', 'decode-failure']).toContain(item.kind);
      }),
      { numRuns: 300 },
    );
  });

  it('mutated and truncated real-shaped frames: values or typed failures, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(seed, plainSeed),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.nat({ max: 40 }),
        async (base, edits, cut) => {
          const out = await run([mutate(base, edits, cut)]);
          expect(out.at(-1)).toMatchObject({ content: 'sentinel' });
          for (const item of out) {
            if (item.kind === 'decode-failure') {
              expect(item.error.code).toMatch(/_FAILED$/);
              expect(item.error.context.bytes).toBeInstanceOf(Uint8Array);
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('every prefix of a frame decodes to values or failures', async () => {
    for (let n = 0; n <= seed.length; n++) {
      const out = await run([seed.subarray(0, n)]);
      expect(out.at(-1)).toMatchObject({ content: 'sentinel' });
    }
  });
});
