/**
 * The 16-character `signature` of the push URL (§3 of the protocol sheet): the stub (`X-MS-STUB`, an MD5 over 13
 * signed URL parameters) and the native signing algorithm of §3.3. The server-side check lives in
 * `@douyin-live/simulator`, written apart on purpose so that one bug cannot hide on both sides.
 */
import { randomInt } from 'node:crypto';

import { DouyinLiveError, ErrorCodes } from '../errors.js';
import { md5, md5Hex } from './md5.js';

/** The 13 URL parameters hashed into the stub, in the order they are joined (§3.1). */
export const SIGNATURE_STUB_KEYS = [
  'live_id',
  'aid',
  'version_code',
  'webcast_sdk_version',
  'room_id',
  'sub_room_id',
  'sub_channel_id',
  'did_rule',
  'user_unique_id',
  'device_platform',
  'device_type',
  'ac',
  'identity',
] as const;

/** Length of a signature in characters (12 bytes in 16 base64 digits, no padding). */
export const SIGNATURE_LENGTH = 16;

/**
 * The base64 digit alphabet of the signature (§3.3 step 6). Index 27 is `+`; the HTTP X-Bogus scripts use `-`
 * there, so the two must not be mixed up.
 */
export const SIGNATURE_ALPHABET = 'Dkdpgh4ZKsQB80/Mfvw36XI1R25+WUAlEi7NLboqYTOPuzmFjJnryx9HVGcaStCe';

/** Bytes 1–3 of the plaintext: a fixed marker, environment code 1 and user-behaviour code 14. */
const PLAINTEXT_MARKER = [0x00, 0x01, 0x0e] as const;

// d0 = MD5(MD5("")) never changes, and only its last two bytes are carried, so they are kept as constants
// (a test recomputes them).
const D0_TAIL = [0x45, 0x3f] as const;

/** Plaintext length in bytes: counter, marker (3), d0 tail (2), d1 tail (2), r1, checksum. */
const PLAINTEXT_LENGTH = 10;

/** The `flags` byte always has these top three bits; the low five are random and not checked (§3.3 step 5). */
const FLAGS_FIXED_BITS = 0x40;

const STUB_PATTERN = /^[0-9a-fA-F]{32}$/;

/** Per-signature random inputs of the algorithm; pass them to get a deterministic signature. */
export interface SignatureEntropy {
  /** Per-session counter; only its low 6 bits (`& 0x3F`) are used. */
  counter: number;
  /** First output byte, `0x40` or `0x50` in the real client (the top three bits must be `010`). 0–255. */
  flags: number;
  /** Random plaintext byte 8. 0–255 (the real client draws 0–254). */
  r1: number;
  /** The 1-byte RC4 key, sent in clear as output byte 1. 0–255 (the real client draws 0–254). */
  r2: number;
}

/** A function that signs a stub; `query` holds the push URL parameters for signers that need more context. */
export type Signer = (stubHex: string, query: Readonly<Record<string, string>>) => string | Promise<string>;

/** Options of {@link nativeSigner}. */
export interface NativeSignerOptions {
  /**
   * Counter value used for the first signature; it increases by one per signature.
   * @defaultValue `1` (rust-srec always sends 1, so a fresh session's first signature matches it)
   */
  initialCounter?: number;
  /**
   * Source of randomness: an integer in `[0, bound)`. Injected so tests can be deterministic.
   * @defaultValue `crypto.randomInt`
   */
  random?: (bound: number) => number;
}

/** Defaults of {@link NativeSignerOptions}. */
export const DEFAULT_NATIVE_SIGNER_OPTIONS = {
  initialCounter: 1,
  random: (bound: number): number => randomInt(bound),
} as const satisfies Required<NativeSignerOptions>;

/** The comma-joined `key=value` string of §3.1 that the stub hashes; absent keys get an empty value. */
export function signatureStubInput(query: Readonly<Record<string, string | undefined>>): string {
  return SIGNATURE_STUB_KEYS.map((key) => `${key}=${query[key] ?? ''}`).join(',');
}

/** The `X-MS-STUB`: lowercase hex MD5 of {@link signatureStubInput} (32 characters). */
export function signatureStub(query: Readonly<Record<string, string | undefined>>): string {
  return md5Hex(signatureStubInput(query));
}

/** Random entropy shaped like the real client's: counter 0–63, flags `0x40`/`0x50`, r1/r2 0–254. */
export function randomSignatureEntropy(
  random: (bound: number) => number = DEFAULT_NATIVE_SIGNER_OPTIONS.random,
): SignatureEntropy {
  return {
    counter: random(64),
    // jwwsjlm (byte-for-byte tested against webmssdk) sets bit 4 at random; rust-srec randomises all five low bits.
    flags: FLAGS_FIXED_BITS | (random(2) === 1 ? 0x10 : 0),
    r1: random(255),
    r2: random(255),
  };
}

/**
 * Signs a stub (§3.3): a 10-byte plaintext RC4-encrypted with the 1-byte key `r2`, prefixed with `flags` and
 * `r2`, written as 16 digits of {@link SIGNATURE_ALPHABET}. Random entropy is drawn when none is given.
 */
export function signStub(stubHex: string, entropy?: SignatureEntropy): string {
  if (!STUB_PATTERN.test(stubHex)) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'The signature stub must be 32 hexadecimal characters', {
      stubHex,
    });
  }
  const { counter, flags, r1, r2 } = entropy ?? randomSignatureEntropy();
  if (!Number.isSafeInteger(counter) || counter < 0) {
    throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, 'The signature counter must be a non-negative integer', {
      counter,
    });
  }
  for (const [name, value] of [
    ['flags', flags],
    ['r1', r1],
    ['r2', r2],
  ] as const) {
    if (!isByte(value)) {
      throw new DouyinLiveError(ErrorCodes.INVALID_ARGUMENT, `Signature entropy ${name} must be a byte (0–255)`, {
        [name]: value,
      });
    }
  }

  const d1 = md5(Buffer.from(stubHex, 'hex'));
  const plaintext = new Uint8Array(PLAINTEXT_LENGTH);
  plaintext[0] = counter & 0x3f;
  plaintext.set(PLAINTEXT_MARKER, 1);
  plaintext.set(D0_TAIL, 4);
  plaintext[6] = d1[14] ?? 0;
  plaintext[7] = d1[15] ?? 0;
  plaintext[8] = r1;
  plaintext[9] = xorOf(plaintext.subarray(0, 9));

  const output = new Uint8Array(2 + PLAINTEXT_LENGTH);
  output[0] = flags;
  output[1] = r2;
  output.set(rc4(r2, plaintext), 2);
  return encodeDigits(output);
}

/**
 * A {@link Signer} running the native algorithm, with a per-session counter incremented per signature (as
 * jwwsjlm does). Create one per session.
 */
export function nativeSigner(options: NativeSignerOptions = {}): Signer {
  const { initialCounter, random } = { ...DEFAULT_NATIVE_SIGNER_OPTIONS, ...options };
  let counter = initialCounter;
  return (stubHex) => {
    const entropy = { ...randomSignatureEntropy(random), counter };
    counter += 1;
    return signStub(stubHex, entropy);
  };
}

function isByte(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xff;
}

function xorOf(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

/** RC4 with a 1-byte key (encryption and decryption are the same operation). */
function rc4(key: number, data: Uint8Array): Uint8Array {
  const s = new Uint8Array(256);
  for (let i = 0; i < 256; i++) s[i] = i;
  // Key scheduling: with a 1-byte key, key[i % keylen] is always `key`.
  let j = 0;
  for (let i = 0; i < 256; i++) {
    const si = s[i] ?? 0;
    j = (j + si + key) & 0xff;
    s[i] = s[j] ?? 0;
    s[j] = si;
  }
  const out = new Uint8Array(data.length);
  let i = 0;
  j = 0;
  for (let k = 0; k < data.length; k++) {
    i = (i + 1) & 0xff;
    const si = s[i] ?? 0;
    j = (j + si) & 0xff;
    const sj = s[j] ?? 0;
    s[i] = sj;
    s[j] = si;
    out[k] = (data[k] ?? 0) ^ (s[(si + sj) & 0xff] ?? 0);
  }
  return out;
}

/** Base64 over the custom alphabet; the input length is a multiple of 3 here, so there is never padding. */
function encodeDigits(bytes: Uint8Array): string {
  let out = '';
  for (let k = 0; k + 2 < bytes.length; k += 3) {
    const n = ((bytes[k] ?? 0) << 16) | ((bytes[k + 1] ?? 0) << 8) | (bytes[k + 2] ?? 0);
    for (const shift of [18, 12, 6, 0]) out += SIGNATURE_ALPHABET[(n >> shift) & 0x3f];
  }
  return out;
}
