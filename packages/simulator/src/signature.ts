/**
 * The server's side of the push URL `signature` (§3 of the protocol sheet), written here from the sheet and not
 * taken from the client's signer, so that a bug in the client's signing code cannot be hidden by the same bug in
 * the check: the stub of the 13 signed parameters, and the decryption and comparison of the 16-character value.
 */
import { createHash } from 'node:crypto';

/** The signed URL parameters, in the order §3.1 joins them (`key=value`, comma-separated). */
const STUB_KEYS = [
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

/** The 64 digits of the signature's base64 variant, in value order (§3.3 step 6; `+` at index 27). */
const DIGITS = 'Dkdpgh4ZKsQB80/Mfvw36XI1R25+WUAlEi7NLboqYTOPuzmFjJnryx9HVGcaStCe';

/** A signature is 12 bytes written as 16 digits (§3.3 step 6). */
const SIGNATURE_CHARS = 16;

/** Bytes 1–3 of the decrypted payload: `00`, environment code 1, user-behaviour code 14 (§3.3 step 3). */
const MARKER = [0x00, 0x01, 0x0e] as const;

/** The top three bits of the `flags` byte are `010`; the low bits vary between clients and are not checked. */
const FLAGS_TOP_MASK = 0xe0;
const FLAGS_TOP_BITS = 0x40;

/** The outcome of {@link verifySignature}. */
export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The `X-MS-STUB` of a push URL's parameters: lowercase hex MD5 of the §3.1 string (absent keys are empty). */
export function signatureStubOf(query: Readonly<Record<string, string | undefined>>): string {
  const input = STUB_KEYS.map((key) => `${key}=${query[key] ?? ''}`).join(',');
  return createHash('md5').update(input, 'utf8').digest('hex');
}

/**
 * Checks a `signature` against a stub the way Douyin evidently does (§3.3 run backwards): decode the digits,
 * decrypt the 10 payload bytes with the RC4 key in byte 1, then compare the marker, the last two bytes of
 * MD5(MD5("")), the last two bytes of MD5(stub bytes) and the XOR checksum. A space counts as `+` (a
 * form-decoded raw signature). Never throws.
 */
export function verifySignature(signature: string, stubHex: string): SignatureCheck {
  if (typeof signature !== 'string' || signature.length !== SIGNATURE_CHARS) {
    return { ok: false, reason: `signature must be ${SIGNATURE_CHARS} characters` };
  }
  if (typeof stubHex !== 'string' || !/^[0-9a-fA-F]{32}$/.test(stubHex)) {
    return { ok: false, reason: 'stub must be 32 hexadecimal characters' };
  }
  const bytes = fromDigits(signature.replaceAll(' ', '+'));
  if (bytes === undefined)
    return { ok: false, reason: 'signature contains a character outside the signature alphabet' };
  const flags = bytes[0] ?? 0;
  if ((flags & FLAGS_TOP_MASK) !== FLAGS_TOP_BITS) {
    return {
      ok: false,
      reason: `flags byte 0x${flags.toString(16).padStart(2, '0')} does not have the fixed bits 010xxxxx`,
    };
  }
  const payload = rc4Decrypt(bytes[1] ?? 0, bytes.subarray(2));
  if (MARKER.some((b, i) => payload[1 + i] !== b)) return { ok: false, reason: 'marker bytes are not 00 01 0e' };
  // Computed, not copied: the sheet gives only the result (45 3f) as a cross-check.
  const d0 = md5(md5(new Uint8Array(0)));
  if (payload[4] !== d0[14] || payload[5] !== d0[15]) return { ok: false, reason: 'd0 tail does not match' };
  const d1 = md5(Buffer.from(stubHex, 'hex'));
  if (payload[6] !== d1[14] || payload[7] !== d1[15]) {
    return { ok: false, reason: 'signature does not match the stub' };
  }
  let checksum = 0;
  for (let i = 0; i < 9; i++) checksum ^= payload[i] ?? 0;
  if (payload[9] !== checksum) return { ok: false, reason: 'checksum byte does not match' };
  return { ok: true };
}

function md5(data: Uint8Array): Uint8Array {
  return createHash('md5').update(data).digest();
}

/** Base64 over {@link DIGITS}, 4 digits → 3 bytes; `undefined` on a foreign character. */
function fromDigits(text: string): Uint8Array | undefined {
  const out = new Uint8Array((text.length / 4) * 3);
  for (let group = 0; group * 4 < text.length; group++) {
    let bits = 0;
    for (const ch of text.slice(group * 4, group * 4 + 4)) {
      const value = DIGITS.indexOf(ch);
      if (value < 0) return undefined;
      bits = bits * 64 + value;
    }
    out[group * 3] = bits >>> 16;
    out[group * 3 + 1] = (bits >>> 8) & 0xff;
    out[group * 3 + 2] = bits & 0xff;
  }
  return out;
}

/** RC4 keyed with one byte (the key schedule repeats it 256 times); decryption is the same XOR stream. */
function rc4Decrypt(key: number, data: Uint8Array): Uint8Array {
  const state = Array.from({ length: 256 }, (_, i) => i);
  let j = 0;
  for (let i = 0; i < 256; i++) {
    j = (j + state[i]! + key) % 256;
    [state[i], state[j]] = [state[j]!, state[i]!];
  }
  const out = new Uint8Array(data.length);
  let a = 0;
  let b = 0;
  data.forEach((byte, k) => {
    a = (a + 1) % 256;
    b = (b + state[a]!) % 256;
    [state[a], state[b]] = [state[b]!, state[a]!];
    out[k] = byte ^ state[(state[a]! + state[b]!) % 256]!;
  });
  return out;
}
