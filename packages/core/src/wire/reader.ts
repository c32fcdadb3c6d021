/**
 * A minimal protobuf wire-format reader tuned for Douyin's payloads.
 *
 * 64-bit integers are returned as decimal strings (ids exceed 2^53). Every read is bounds-checked and a
 * malformed input throws a {@link WireFormatError}; the pipeline turns that into a typed error value.
 */

/** Thrown by the reader when bytes are not valid protobuf wire format. Internal to decoding. */
export class WireFormatError extends Error {
  override readonly name = 'WireFormatError';
  constructor(
    message: string,
    /** Byte offset at which the problem was found. */
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
  }
}

const TWO_32 = 4294967296;
// Values below 2^53 can go through a double exactly; above that BigInt keeps every digit.
const SAFE_HIGH = 0x200000;
const SHORT_STRING = 32; // bytes; shorter ASCII strings come from the intern table below (or are built in JS)

// The last RECENT_READERS readers stay reachable (with the bytes they read: the last few frames). V8 holds the
// hidden classes of ProtoReader instances (there are several, by the order their lazy fields were filled) only
// weakly: a full GC that finds none of a class alive drops it and deoptimizes every decoder whose optimized code
// embeds it ('reason: weak objects' in --trace-deopt), so without this each major GC cost the next frames a
// round of re-optimization (twice the CPU per frame in bench-decode-real, whose gc() before each case shows it).
const RECENT_READERS = 64; // a power of two

/**
 * Messages (and groups, and map entries) nested deeper than this are rejected with a {@link WireFormatError}, as
 * Google's protobuf runtimes do at the same default: without a limit, a payload of a self-nesting type (`User`
 * holds `top_fans` users) could nest until the decoders' recursion overflowed the JS stack, at a depth that
 * depends on the caller's stack; the generated decoders and the validation walk share this one deterministic limit.
 */
export const MAX_NESTING = 100;
const recentReaders: (ProtoReader | undefined)[] = new Array<ProtoReader | undefined>(RECENT_READERS).fill(undefined);
let recentCount = 0;

/** Reads protobuf wire format from one byte array. */
export class ProtoReader {
  pos = 0;
  /** Nesting level of the message being read: 0 outside any, 1 inside the top-level one (see {@link enter}). */
  depth = 0;
  readonly len: number;
  private view: DataView | undefined;
  // A Buffer over the same memory (no copy): node's native UTF-8 slice is the fastest string decoder here.
  private text: Buffer | undefined;

  constructor(readonly buf: Uint8Array) {
    this.len = buf.length;
    recentReaders[recentCount] = this;
    recentCount = (recentCount + 1) & (RECENT_READERS - 1);
  }

  /** Reads a varint as an unsigned 32-bit number (higher bits of longer varints are dropped, as protobuf does). */
  uint32(): number {
    const buf = this.buf;
    const pos = this.pos;
    // Tags, lengths and counts: one to four bytes, read without the general loop (and without allocating).
    if (pos + 4 < this.len) {
      let b = buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
      let v = b & 0x7f;
      b = buf[pos + 1]!;
      v |= (b & 0x7f) << 7;
      if (b < 0x80) {
        this.pos = pos + 2;
        return v;
      }
      b = buf[pos + 2]!;
      v |= (b & 0x7f) << 14;
      if (b < 0x80) {
        this.pos = pos + 3;
        return v;
      }
      b = buf[pos + 3]!;
      v |= (b & 0x7f) << 21;
      if (b < 0x80) {
        this.pos = pos + 4;
        return v;
      }
    } else if (pos < this.len) {
      const b = buf[pos]!;
      if (b < 0x80) {
        this.pos = pos + 1;
        return b;
      }
    }
    return this.varint64();
  }

  /** Reads a varint as a signed 32-bit number. */
  int32(): number {
    return this.uint32() | 0;
  }

  /** Reads a zigzag-encoded signed 32-bit number. */
  sint32(): number {
    const n = this.uint32();
    return (n >>> 1) ^ -(n & 1);
  }

  /** High 32 bits (unsigned) of the last {@link varint64}. */
  private hi = 0;

  /** Reads a varint: returns its low 32 bits (unsigned) and leaves the high 32 bits in `hi` (no allocation). */
  private varint64(): number {
    const buf = this.buf;
    const start = this.pos;
    if (start + 10 > this.len) return this.varint64Near(start);
    // Ten bytes are there: unrolled, no bounds checks (ids and millisecond times are 6-9 bytes long).
    let b = buf[start]!;
    let lo = b & 0x7f;
    let hi = 0;
    let at = start + 1;
    if (b >= 0x80) {
      b = buf[at++]!;
      lo |= (b & 0x7f) << 7;
      if (b >= 0x80) {
        b = buf[at++]!;
        lo |= (b & 0x7f) << 14;
        if (b >= 0x80) {
          b = buf[at++]!;
          lo |= (b & 0x7f) << 21;
          if (b >= 0x80) {
            b = buf[at++]!;
            lo |= (b & 0x0f) << 28;
            hi = (b & 0x7f) >> 4;
            if (b >= 0x80) {
              b = buf[at++]!;
              hi |= (b & 0x7f) << 3;
              if (b >= 0x80) {
                b = buf[at++]!;
                hi |= (b & 0x7f) << 10;
                if (b >= 0x80) {
                  b = buf[at++]!;
                  hi |= (b & 0x7f) << 17;
                  if (b >= 0x80) {
                    b = buf[at++]!;
                    hi |= (b & 0x7f) << 24;
                    if (b >= 0x80) {
                      b = buf[at++]!;
                      hi |= (b & 0x7f) << 31;
                      if (b >= 0x80) throw new WireFormatError('varint longer than 10 bytes', start);
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    this.pos = at;
    this.hi = hi >>> 0;
    return lo >>> 0;
  }

  /** {@link varint64} within ten bytes of the end of the input, where the varint may be cut short. */
  private varint64Near(start: number): number {
    const buf = this.buf;
    const limit = Math.min(this.len, start + 10);
    let pos = start;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    while (pos < limit) {
      const b = buf[pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if (b < 0x80) {
        this.pos = pos;
        this.hi = hi >>> 0;
        return lo >>> 0;
      }
      shift += 7;
    }
    if (pos - start >= 10) throw new WireFormatError('varint longer than 10 bytes', start);
    throw new WireFormatError('truncated varint', start);
  }

  /** Reads an unsigned 64-bit varint as a decimal string. */
  uint64(): string {
    // Fast path: most values on the wire (counts, flags) fit in one or two bytes.
    const b = this.buf[this.pos]!;
    if (b < 0x80 && this.pos < this.len) {
      this.pos++;
      return SMALL[b]!;
    }
    const lo = this.varint64();
    return unsignedToString(lo, this.hi);
  }

  /** Reads a signed 64-bit varint (two's complement) as a decimal string. */
  int64(): string {
    const lo = this.varint64();
    const hi = this.hi;
    if (hi & 0x80000000) return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
    return unsignedToString(lo, hi);
  }

  /** Reads a zigzag-encoded signed 64-bit varint as a decimal string. */
  sint64(): string {
    const lo = this.varint64();
    const hi = this.hi;
    const u = (BigInt(hi) << 32n) | BigInt(lo);
    return ((u >> 1n) ^ -(u & 1n)).toString();
  }

  /** Reads a varint as a boolean. */
  bool(): boolean {
    return this.uint32() !== 0;
  }

  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.len) throw new WireFormatError(`truncated: need ${n} bytes`, at);
    this.pos = at + n;
    return at;
  }

  private dataView(): DataView {
    return (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength));
  }

  /** Reads a little-endian unsigned 32-bit number. */
  fixed32(): number {
    return this.dataView().getUint32(this.need(4), true);
  }

  /** Reads a little-endian signed 32-bit number. */
  sfixed32(): number {
    return this.dataView().getInt32(this.need(4), true);
  }

  /** Reads a little-endian unsigned 64-bit number as a decimal string. */
  fixed64(): string {
    const at = this.need(8);
    const v = this.dataView();
    return unsignedToString(v.getUint32(at, true), v.getUint32(at + 4, true));
  }

  /** Reads a little-endian signed 64-bit number as a decimal string. */
  sfixed64(): string {
    return this.dataView().getBigInt64(this.need(8), true).toString();
  }

  /** Reads a little-endian 32-bit float. */
  float(): number {
    return this.dataView().getFloat32(this.need(4), true);
  }

  /** Reads a little-endian 64-bit float. */
  double(): number {
    return this.dataView().getFloat64(this.need(8), true);
  }

  /** Reads a length prefix and returns the end offset of the delimited bytes, checked against the buffer. */
  delimitedEnd(): number {
    const start = this.pos;
    const n = this.uint32();
    const end = this.pos + n;
    if (end > this.len) throw new WireFormatError(`length ${n} runs past the end`, start);
    return end;
  }

  /** Reads length-delimited bytes as a view into the underlying buffer (no copy). */
  bytes(): Uint8Array {
    const end = this.delimitedEnd();
    const out = this.buf.subarray(this.pos, end);
    this.pos = end;
    return out;
  }

  /** Reads a length-delimited UTF-8 string. Invalid sequences become U+FFFD, as in other protobuf runtimes. */
  string(): string {
    const end = this.delimitedEnd();
    const start = this.pos;
    this.pos = end;
    if (end === start) return '';
    const buf = this.buf;
    const n = end - start;
    if (n <= SHORT_STRING) {
      const ascii = internAscii(buf, start, end);
      if (ascii !== undefined) return ascii;
      const decoded = decodeUtf8(buf, start, end);
      if (decoded !== undefined) return decoded;
    } else if (n <= MAX_JS_UTF8 && nonAsciiAhead(buf, start)) {
      const decoded = decodeUtf8(buf, start, end);
      if (decoded !== undefined) return decoded;
    }
    const text = (this.text ??= Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
    return utf8Slice(text, start, end);
  }

  /** Enters a message, group or map entry one level deeper; throws past {@link MAX_NESTING} levels. */
  enter(): void {
    if (++this.depth > MAX_NESTING) throw new WireFormatError(`nesting deeper than ${MAX_NESTING} levels`, this.pos);
  }

  /** Leaves the level {@link enter} entered. */
  leave(): void {
    this.depth--;
  }

  /** Checks that a nested message ended exactly where its length said. */
  endAt(end: number): void {
    if (this.pos !== end) throw new WireFormatError('nested message overran its length', end);
  }

  /** Skips the value of a field whose tag was just read; rejects invalid wire types and field number 0. */
  skipTag(tag: number): void {
    if (tag >>> 3 === 0) throw new WireFormatError('field number 0', this.pos);
    this.skip(tag & 7, tag >>> 3);
  }

  private skip(wireType: number, field: number): void {
    switch (wireType) {
      case 0:
        this.varint64();
        return;
      case 1:
        this.need(8);
        return;
      case 2:
        this.pos = this.delimitedEnd();
        return;
      case 3: {
        // Deprecated groups: skip nested fields up to the matching end-group tag (a group is a nesting level).
        this.enter();
        for (;;) {
          if (this.pos >= this.len) throw new WireFormatError('unterminated group', this.pos);
          const tag = this.uint32();
          if ((tag & 7) === 4) {
            if (tag >>> 3 !== field) throw new WireFormatError('mismatched end-group', this.pos);
            this.leave();
            return;
          }
          this.skipTag(tag);
        }
      }
      case 5:
        this.need(4);
        return;
      default:
        throw new WireFormatError(`invalid wire type ${wireType}`, this.pos);
    }
  }
}

const SMALL: string[] = Array.from({ length: 128 }, (_, i) => String(i));

// Buffer's native UTF-8 slice without `toString`'s argument handling (the method node's own toString calls); the
// public toString where a runtime lacks it.
const nativeUtf8Slice = (Buffer.prototype as unknown as { utf8Slice?: (start: number, end: number) => string })
  .utf8Slice;
const utf8Slice: (text: Buffer, start: number, end: number) => string =
  typeof nativeUtf8Slice === 'function'
    ? (text, start, end) => nativeUtf8Slice.call(text, start, end)
    : (text, start, end) => text.toString('utf8', start, end);

const BASE_1E7 = 10000000;

/**
 * Prints an unsigned 64-bit value given as two 32-bit halves, exactly. Values of 2^53 and more (every Douyin id)
 * are split into three 24-bit limbs recombined in base 10^7 with doubles and written as digits into a scratch
 * buffer that one native call turns into a flat string (no BigInt or rope allocated).
 */
export function unsignedToString(lo: number, hi: number): string {
  if (hi === 0) return lo < 128 ? SMALL[lo]! : String(lo);
  if (hi < SAFE_HIGH) return String(hi * TWO_32 + lo);
  // Room ids, user ids and anchors repeat from message to message: remember the last text per hash slot.
  const slot = (lo ^ (lo >>> 13) ^ hi) & (ID_SLOTS - 1);
  if (idLo[slot] === lo && idHi[slot] === hi) return idText[slot]!;
  const text = bigToString(lo, hi);
  idLo[slot] = lo;
  idHi[slot] = hi;
  idText[slot] = text;
  return text;
}

const ID_SLOTS = 256;
const idLo = new Uint32Array(ID_SLOTS);
// hi of a slot in use is at least SAFE_HIGH, so the zeroed table never matches.
const idHi = new Uint32Array(ID_SLOTS);
const idText: string[] = new Array<string>(ID_SLOTS).fill('');

/** The text of a value of 2^53 or more (so `c` below is at least 90: a and b are both zero-padded to 7 digits). */
function bigToString(lo: number, hi: number): string {
  const low = lo & 0xffffff;
  const mid = ((lo >>> 24) | (hi << 8)) & 0xffffff;
  const high = (hi >>> 16) & 0xffff;
  // 2^24 = 1 6777216, 2^48 = 28147497 6710656 (in base 10^7 digits).
  let a = low + mid * 6777216 + high * 6710656;
  let b = mid + high * 8147497;
  let c = high * 2;
  // Carries by multiply-and-subtract: `%` on doubles past the small-integer range is a call into C (fmod). Both are
  // exact: a and b stay below 2^53, and a quotient that close to an integer cannot round up across it.
  let carry = Math.floor(a / BASE_1E7);
  b += carry;
  a -= carry * BASE_1E7;
  carry = Math.floor(b / BASE_1E7);
  c += carry;
  b -= carry * BASE_1E7;
  // The digits go right to left into a scratch buffer, two at a time, and come out as one flat string in a single
  // native call: three String() calls and their concatenation made a rope that was flattened again when used.
  const out = DIGITS;
  let p = ID_DIGITS;
  for (let i = 0; i < 3; i++) {
    const q = (a / 100) | 0;
    const d = (a - q * 100) << 1;
    out[--p] = DIGIT_PAIRS[d + 1]!;
    out[--p] = DIGIT_PAIRS[d]!;
    a = q;
  }
  out[--p] = 48 + a;
  for (let i = 0; i < 3; i++) {
    const q = (b / 100) | 0;
    const d = (b - q * 100) << 1;
    out[--p] = DIGIT_PAIRS[d + 1]!;
    out[--p] = DIGIT_PAIRS[d]!;
    b = q;
  }
  out[--p] = 48 + b;
  do {
    const q = (c / 10) | 0;
    out[--p] = 48 + c - q * 10;
    c = q;
  } while (c > 0);
  return latin1Slice(out, p, ID_DIGITS);
}

// Room for the 20 digits of 2^64 - 1.
const ID_DIGITS = 20;
const DIGITS = Buffer.alloc(ID_DIGITS);
// '00' .. '99' as character codes.
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i & 1 ? (i >> 1) % 10 : Math.floor(i / 20)));
const nativeLatin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (start: number, end: number) => string })
  .latin1Slice;
const latin1Slice: (text: Buffer, start: number, end: number) => string =
  typeof nativeLatin1Slice === 'function'
    ? (text, start, end) => nativeLatin1Slice.call(text, start, end)
    : (text, start, end) => text.toString('latin1', start, end);

// Strings with non-ASCII characters (nicknames, chat text) of up to this many bytes are decoded in JS: V8's native
// UTF-8 decoder, behind `utf8Slice`, costs ~3.5 ns per byte of CJK text plus ~30 ns per call, the loop below about
// a third of that. All-ASCII runs and longer strings still go to the native slices, which are faster there.
const MAX_JS_UTF8 = 256;
// UTF-16 code units of the string being decoded, and one array per string length for String.fromCharCode.apply
// (which takes its arguments from an array's whole length); both reused from string to string.
const codeUnits: number[][] = [];
// Longer strings are decoded in JS only when one of their first bytes is not ASCII: long ASCII runs (URLs,
// internal_ext, sec_uid) are faster natively than through a JS loop.
const PEEK_BYTES = 4;

/** True when one of the first {@link PEEK_BYTES} bytes at `start` (of a longer run) is not ASCII. */
function nonAsciiAhead(buf: Uint8Array, start: number): boolean {
  for (let i = start; i < start + PEEK_BYTES; i++) if (buf[i]! >= 0x80) return true;
  return false;
}

/**
 * Decodes well-formed UTF-8 (`start`..`end`) to a string; undefined when a sequence is ill-formed, which the caller
 * then hands to the native decoder so that invalid bytes become U+FFFD exactly as they always have.
 */
function decodeUtf8(buf: Uint8Array, start: number, end: number): string | undefined {
  // Every code unit takes at least one byte, so `end - start` units are enough.
  const units = (codeUnits[end - start] ??= new Array<number>(end - start).fill(0));
  let n = 0;
  let i = start;
  while (i < end) {
    const b0 = buf[i]!;
    if (b0 < 0x80) {
      units[n++] = b0;
      i++;
    } else if (b0 >= 0xe0 && b0 < 0xf0) {
      // Three bytes: U+0800..U+FFFF less the surrogates (most CJK text).
      if (i + 2 >= end) return undefined;
      const b1 = buf[i + 1]!;
      const b2 = buf[i + 2]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80) return undefined;
      const c = ((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f);
      if (c < 0x800 || (c >= 0xd800 && c < 0xe000)) return undefined;
      units[n++] = c;
      i += 3;
    } else if (b0 >= 0xc2 && b0 < 0xe0) {
      if (i + 1 >= end) return undefined;
      const b1 = buf[i + 1]!;
      if ((b1 & 0xc0) !== 0x80) return undefined;
      units[n++] = ((b0 & 0x1f) << 6) | (b1 & 0x3f);
      i += 2;
    } else if (b0 >= 0xf0 && b0 < 0xf5) {
      // Four bytes: U+10000..U+10FFFF (emoji), as a surrogate pair.
      if (i + 3 >= end) return undefined;
      const b1 = buf[i + 1]!;
      const b2 = buf[i + 2]!;
      const b3 = buf[i + 3]!;
      if ((b1 & 0xc0) !== 0x80 || (b2 & 0xc0) !== 0x80 || (b3 & 0xc0) !== 0x80) return undefined;
      const c = ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      if (c < 0x10000 || c > 0x10ffff) return undefined;
      units[n++] = 0xd800 | ((c - 0x10000) >> 10);
      units[n++] = 0xdc00 | (c & 0x3ff);
      i += 4;
    } else return undefined;
  }
  const exact = n === units.length ? units : (codeUnits[n] ??= new Array<number>(n).fill(0));
  if (exact !== units) for (let k = 0; k < n; k++) exact[k] = units[k]!;
  return String.fromCharCode.apply(null, exact);
}

// Short ASCII strings repeat a lot (method names, header keys, URL hosts, ids as text): a small table, indexed by
// a hash of the bytes, hands back the string made last time for the same bytes, so no new string is built. A miss
// (most nicknames and display ids in a real room) copies the bytes into the slot's fixed place in one pool and makes
// the string with one native call: no per-miss allocation besides the string itself.
const INTERN_SLOTS = 1024;
const internPool = Buffer.alloc(INTERN_SLOTS * SHORT_STRING);
const internLength = new Int8Array(INTERN_SLOTS).fill(-1);
const internStrings: string[] = new Array<string>(INTERN_SLOTS).fill('');

/** A short all-ASCII run as a string (interned); undefined when a byte is not ASCII (decoded natively then). */
function internAscii(buf: Uint8Array, start: number, end: number): string | undefined {
  const n = end - start;
  let h = n;
  for (let i = start; i < end; i++) {
    const b = buf[i]!;
    if (b >= 0x80) return undefined;
    h = (Math.imul(h, 31) + b) | 0;
  }
  const slot = (h ^ (h >>> 10)) & (INTERN_SLOTS - 1);
  const at = slot * SHORT_STRING;
  if (internLength[slot] === n) {
    let i = 0;
    while (i < n && internPool[at + i] === buf[start + i]) i++;
    if (i === n) return internStrings[slot];
  }
  for (let i = 0; i < n; i++) internPool[at + i] = buf[start + i]!;
  internLength[slot] = n;
  const text = latin1Slice(internPool, at, at + n);
  internStrings[slot] = text;
  return text;
}
