import { createHash } from 'node:crypto';

import { isDouyinLiveError } from '../packages/core/src/errors.js';
import {
  md5,
  md5Hex,
  nativeSigner,
  randomSignatureEntropy,
  SIGNATURE_ALPHABET,
  signatureStub,
  signatureStubInput,
  signStub,
  type SignatureEntropy,
} from '../packages/core/src/signature/index.js';
// The server-side check is the simulator's own implementation of §3: the client's signer is tested against it.
import { signatureStubOf, verifySignature } from '@douyin-live/simulator';

const VECTOR_STUB = '704f436b2558b0d7a1c7e758527dd8f1';
const STANDARD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Deterministic PRNG (mulberry32) so failures reproduce. */
function seeded(seed: number): (bound: number) => number {
  let a = seed >>> 0;
  return (bound) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * bound);
  };
}

function randomStub(random: (bound: number) => number): string {
  return Array.from({ length: 16 }, () => random(256).toString(16).padStart(2, '0')).join('');
}

/** Decodes a signature independently of the implementation: map to standard base64, then Buffer. */
function decodeSignature(signature: string): Buffer {
  const standard = [...signature].map((c) => STANDARD_ALPHABET[SIGNATURE_ALPHABET.indexOf(c)]).join('');
  return Buffer.from(standard, 'base64');
}

function expectInvalidArgument(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(isDouyinLiveError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('INVALID_ARGUMENT');
    return;
  }
  throw new Error('expected a DouyinLiveError INVALID_ARGUMENT');
}

describe('md5', () => {
  it('matches node:crypto for text and bytes', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(Buffer.from(md5(Uint8Array.of(1, 2, 3))).toString('hex')).toBe(
      createHash('md5')
        .update(Uint8Array.of(1, 2, 3))
        .digest('hex'),
    );
  });

  it('MD5(MD5("")) ends in 45 3f, the d0 tail the algorithm carries', () => {
    const d0 = md5(md5(''));
    expect([d0[14], d0[15]]).toEqual([0x45, 0x3f]);
  });
});

describe('signatureStub', () => {
  const query = {
    live_id: '1',
    aid: '6383',
    version_code: '180800',
    webcast_sdk_version: '1.0.15',
    room_id: '7630361251285076745',
    did_rule: '3',
    user_unique_id: '7319483754668557238',
    device_platform: 'web',
    identity: 'audience',
    // Not signed: must not change the stub.
    cursor: 'd-1_u-1',
  };
  const literal =
    'live_id=1,aid=6383,version_code=180800,webcast_sdk_version=1.0.15,room_id=7630361251285076745,' +
    'sub_room_id=,sub_channel_id=,did_rule=3,user_unique_id=7319483754668557238,device_platform=web,' +
    'device_type=,ac=,identity=audience';

  it('joins the 13 signed pairs in order, absent keys empty', () => {
    expect(signatureStubInput(query)).toBe(literal);
  });

  it('is the lowercase MD5 hex of the joined string', () => {
    expect(signatureStub(query)).toBe(createHash('md5').update(literal, 'utf8').digest('hex'));
    expect(signatureStub(query)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('treats undefined values as absent and ignores unsigned keys', () => {
    const { cursor: _cursor, ...signedOnly } = query;
    expect(signatureStub({ ...signedOnly, sub_room_id: undefined })).toBe(signatureStub(query));
    expect(signatureStub({ ...query, room_id: '7630361251285076746' })).not.toBe(signatureStub(query));
  });

  it('hashes an empty query as 13 empty pairs', () => {
    expect(signatureStub({})).toBe(
      createHash('md5')
        .update(
          'live_id=,aid=,version_code=,webcast_sdk_version=,room_id=,sub_room_id=,sub_channel_id=,did_rule=,' +
            'user_unique_id=,device_platform=,device_type=,ac=,identity=',
        )
        .digest('hex'),
    );
  });
});

describe('signStub', () => {
  it('reproduces vector 1: counter 1, flag set (0x50), r1 63, r2 63', () => {
    expect(signStub(VECTOR_STUB, { counter: 1, flags: 0x50, r1: 63, r2: 63 })).toBe('6pt0VC0aRZDP7n07');
  });

  it('reproduces vector 2: counter 0, flag clear (0x40), r1 0, r2 6', () => {
    expect(signStub(VECTOR_STUB, { counter: 0, flags: 0x40, r1: 0, r2: 6 })).toBe('fD+evFuzasjOC8Uu');
  });

  it('decodes the vectors to [flags, r2, …] as the sheet lays them out', () => {
    expect([...decodeSignature('6pt0VC0aRZDP7n07').subarray(0, 2)]).toEqual([0x50, 63]);
    expect([...decodeSignature('fD+evFuzasjOC8Uu').subarray(0, 2)]).toEqual([0x40, 6]);
  });

  it('accepts an upper-case stub and uses only the low 6 bits of the counter', () => {
    expect(signStub(VECTOR_STUB.toUpperCase(), { counter: 65, flags: 0x50, r1: 63, r2: 63 })).toBe('6pt0VC0aRZDP7n07');
  });

  it('draws random entropy when none is given and stays verifiable', () => {
    const seen = new Set<string>();
    for (let k = 0; k < 50; k++) {
      const signature = signStub(VECTOR_STUB);
      expect(signature).toHaveLength(16);
      expect(verifySignature(signature, VECTOR_STUB)).toEqual({ ok: true });
      seen.add(signature);
    }
    expect(seen.size).toBeGreaterThan(40);
  });

  it('rejects a bad stub or entropy with INVALID_ARGUMENT', () => {
    for (const stub of ['', 'abc', VECTOR_STUB.slice(1), `${VECTOR_STUB}0`, VECTOR_STUB.replace('7', 'g')]) {
      expectInvalidArgument(() => signStub(stub));
    }
    const good: SignatureEntropy = { counter: 0, flags: 0x40, r1: 0, r2: 0 };
    for (const bad of [{ counter: -1 }, { counter: 1.5 }, { flags: 256 }, { r1: -1 }, { r2: 0.5 }, { r2: NaN }]) {
      expectInvalidArgument(() => signStub(VECTOR_STUB, { ...good, ...bad }));
    }
  });
});

describe('randomSignatureEntropy', () => {
  it('stays in the ranges of the real client', () => {
    const random = seeded(7);
    for (let k = 0; k < 500; k++) {
      const { counter, flags, r1, r2 } = randomSignatureEntropy(random);
      expect(counter).toBeGreaterThanOrEqual(0);
      expect(counter).toBeLessThan(64);
      expect([0x40, 0x50]).toContain(flags);
      expect(r1).toBeLessThanOrEqual(254);
      expect(r2).toBeLessThanOrEqual(254);
    }
  });
});

describe('verifySignature (the simulator, written apart from the signer)', () => {
  it('computes the same stub as the client from the same parameters', () => {
    const random = seeded(7);
    for (let k = 0; k < 200; k++) {
      const query = {
        live_id: '1',
        aid: '6383',
        version_code: '180800',
        webcast_sdk_version: `1.0.${random(20)}`,
        room_id: `76303612512850${String(random(100000)).padStart(5, '0')}`,
        user_unique_id: String(random(1_000_000_000)),
        device_platform: 'web',
        identity: 'audience',
        did_rule: '3',
        ...(random(2) === 1 ? { sub_room_id: '' } : {}),
      };
      expect(signatureStubOf(query)).toBe(signatureStub(query));
    }
  });

  it('accepts the published vectors', () => {
    expect(verifySignature('6pt0VC0aRZDP7n07', VECTOR_STUB)).toEqual({ ok: true });
    expect(verifySignature('fD+evFuzasjOC8Uu', VECTOR_STUB)).toEqual({ ok: true });
  });

  it('round-trips sign → verify for many random stubs and entropies', () => {
    const random = seeded(20260927);
    for (let k = 0; k < 2000; k++) {
      const stub = randomStub(random);
      const entropy: SignatureEntropy = {
        counter: random(1000),
        flags: 0x40 | random(0x20),
        r1: random(256),
        r2: random(256),
      };
      const signature = signStub(stub, entropy);
      expect(signature).toMatch(/^[A-Za-z0-9+/]{16}$/);
      expect(verifySignature(signature, stub)).toEqual({ ok: true });
    }
  });

  it('rejects the signature of another stub', () => {
    const random = seeded(99);
    let rejected = 0;
    const total = 500;
    for (let k = 0; k < total; k++) {
      const stub = randomStub(random);
      const other = randomStub(random);
      const signature = signStub(stub, { counter: k, flags: 0x40, r1: random(255), r2: random(255) });
      const d1 = md5(Buffer.from(stub, 'hex'));
      const d1Other = md5(Buffer.from(other, 'hex'));
      const verdict = verifySignature(signature, other);
      // Only 16 bits of the digest are carried: a collision there is accepted, by design of the algorithm.
      expect(verdict.ok).toBe(d1[14] === d1Other[14] && d1[15] === d1Other[15]);
      if (!verdict.ok) rejected++;
    }
    expect(rejected).toBeGreaterThan(total - 3);
    expect(verifySignature('6pt0VC0aRZDP7n07', 'ffffffffffffffffffffffffffffffff')).toEqual({
      ok: false,
      reason: 'signature does not match the stub',
    });
  });

  it('rejects every single-character change except in the unchecked low bits of the flags byte', () => {
    for (const signature of ['6pt0VC0aRZDP7n07', 'fD+evFuzasjOC8Uu', signStub(VECTOR_STUB)]) {
      const original = decodeSignature(signature);
      for (let position = 0; position < 16; position++) {
        for (const replacement of SIGNATURE_ALPHABET) {
          if (replacement === signature[position]) continue;
          const tampered = signature.slice(0, position) + replacement + signature.slice(position + 1);
          const changed = decodeSignature(tampered);
          const onlyFlagLowBits =
            changed.subarray(1).equals(original.subarray(1)) &&
            ((changed[0] ?? 0) & 0xe0) === ((original[0] ?? 0) & 0xe0);
          expect({ tampered, ok: verifySignature(tampered, VECTOR_STUB).ok }).toEqual({
            tampered,
            ok: onlyFlagLowBits,
          });
        }
      }
    }
  });

  it('rejects wrong lengths, foreign characters and bad stubs without throwing', () => {
    for (const signature of ['', '6pt0VC0aRZDP7n0', '6pt0VC0aRZDP7n07A', '00000000']) {
      expect(verifySignature(signature, VECTOR_STUB)).toMatchObject({ ok: false, reason: expect.stringMatching(/16/) });
    }
    for (const signature of ['6pt0VC0aRZDP7n0-', '6pt0VC0aRZDP7n0=', '6pt0VC0aRZDP7n0.', '6pt0VC0aRZDP7n0\u00e9']) {
      expect(verifySignature(signature, VECTOR_STUB)).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/alphabet/),
      });
    }
    for (const stub of ['', 'zz', `${VECTOR_STUB}00`]) {
      expect(verifySignature('6pt0VC0aRZDP7n07', stub)).toMatchObject({ ok: false });
    }
    expect(verifySignature(undefined as unknown as string, VECTOR_STUB).ok).toBe(false);
    expect(verifySignature('6pt0VC0aRZDP7n07', null as unknown as string).ok).toBe(false);
  });

  it('reads a space as the + that form-decoding a raw query turns it into', () => {
    expect(verifySignature('fD evFuzasjOC8Uu', VECTOR_STUB)).toEqual({ ok: true });
    const viaUrl = new URL(`wss://h/p?signature=fD+evFuzasjOC8Uu`).searchParams.get('signature') ?? '';
    expect(viaUrl).toBe('fD evFuzasjOC8Uu');
    expect(verifySignature(viaUrl, VECTOR_STUB)).toEqual({ ok: true });
  });

  it('rejects a flags byte without the fixed 010 top bits', () => {
    const bytes = decodeSignature('6pt0VC0aRZDP7n07');
    bytes[0] = 0x80;
    const forged = [...bytes.toString('base64')].map((c) => SIGNATURE_ALPHABET[STANDARD_ALPHABET.indexOf(c)]).join('');
    expect(verifySignature(forged, VECTOR_STUB)).toMatchObject({ ok: false, reason: expect.stringMatching(/flags/) });
  });
});

describe('nativeSigner', () => {
  it('increments its counter per signature, starting at 1', async () => {
    const signer = nativeSigner({ random: () => 0 });
    const signatures = [];
    for (let k = 0; k < 3; k++) signatures.push(await signer(VECTOR_STUB, {}));
    const counters = signatures.map((signature) => {
      const bytes = decodeSignature(signature);
      // With r1 = r2 = 0 fixed, the only free input is the counter: find the one that reproduces the signature.
      return [0, 1, 2, 3].find(
        (counter) => signStub(VECTOR_STUB, { counter, flags: bytes[0] ?? 0, r1: 0, r2: 0 }) === signature,
      );
    });
    expect(counters).toEqual([1, 2, 3]);
  });

  it('keeps separate counters per signer (per session) and honours initialCounter', async () => {
    const a = nativeSigner({ random: () => 0, initialCounter: 10 });
    const b = nativeSigner({ random: () => 0, initialCounter: 10 });
    const first = await a(VECTOR_STUB, {});
    expect(await b(VECTOR_STUB, {})).toBe(first);
    expect(await a(VECTOR_STUB, {})).toBe(signStub(VECTOR_STUB, { counter: 11, flags: 0x40, r1: 0, r2: 0 }));
  });

  it('produces signatures the verifier accepts, with default randomness', async () => {
    const signer = nativeSigner();
    for (let k = 0; k < 100; k++) {
      const stub = md5Hex(`stub-${k}`);
      expect(verifySignature(await signer(stub, {}), stub)).toEqual({ ok: true });
    }
  });
});
