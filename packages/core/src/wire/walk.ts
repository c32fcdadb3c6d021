/**
 * The table-driven validation walk: checks that bytes are well-formed protobuf for a schema's nesting, building
 * nothing. The generated field-selective decoders (`pick<T>` in gen/douyin.ts) hand it every field they do not
 * decode.
 *
 * It makes exactly the checks the full generated decoder makes on the same bytes — field number 0, invalid wire
 * types, groups, varints over 10 bytes or cut short, lengths past the end, nested messages and packed lists that
 * overrun their length — and throws the same {@link WireFormatError} (message and offset): every error path
 * hands the position back to {@link ProtoReader} and lets it throw. So a payload the walk accepts is one
 * `decode<T>` accepts, and `raw` can be decoded later without throwing.
 */
import { MAX_NESTING, type ProtoReader } from './reader.js';

/** Table code of a packed list of varints (int32, uint64, bool, ...): every element is read. */
export const PACKED_VARINT = -1;
/** Table code of a packed list of 4-byte values (fixed32, sfixed32, float). */
export const PACKED_FIXED32 = -2;
/** Table code of a packed list of 8-byte values (fixed64, sfixed64, double). */
export const PACKED_FIXED64 = -3;

/**
 * One type's table: `[field number, code, field number, code, ...]`, where a code is the index of the nested
 * message type the field holds (map fields: their synthetic entry type) or a `PACKED_*` code. Fields not listed
 * hold no nested structure (scalars, strings, bytes) and are skipped as their wire type says.
 */
export type WalkTable = readonly number[];

// Field numbers below this are looked up in a dense per-type array; the rare higher ones (Douyin uses some in the
// 1000s and 5000s) in a map.
const DENSE_FIELDS = 512;
// Each type's slice of the table starts with two header slots: the dense size and whether it has far fields.
const HEADER = 2;

/** Validates protobuf wire format against per-type tables of which fields nest what (see {@link WalkTable}). */
export class WireWalker {
  // One Int32Array for all types. A type is known by the offset of its slice: [dense size, has far fields, entries
  // by field number...]. An entry is 0 (nothing nested), a PACKED_* code, or the offset of the nested type's slice
  // (always > 0: the table starts with an unused slot).
  private readonly table: Int32Array;
  private readonly offsets: Int32Array;
  // Entries of fields >= DENSE_FIELDS, keyed by offset * 2^29 + field number.
  private readonly far = new Map<number, number>();
  // The walk's stack of enclosing messages (their end and type), instead of one JS call per nested message; the
  // nesting limit bounds it.
  private readonly stackEnd = new Int32Array(MAX_NESTING);
  private readonly stackType = new Int32Array(MAX_NESTING);

  /** Builds the lookup tables; `tables[i]` describes type `i`. */
  constructor(tables: readonly WalkTable[]) {
    this.offsets = new Int32Array(tables.length);
    const sizes = tables.map((table) => {
      let max = -1;
      for (let i = 0; i < table.length; i += 2) if (table[i]! < DENSE_FIELDS) max = Math.max(max, table[i]!);
      return max + 1;
    });
    let total = 1;
    sizes.forEach((size, t) => {
      this.offsets[t] = total;
      total += HEADER + size;
    });
    this.table = new Int32Array(total);
    tables.forEach((table, t) => {
      const at = this.offsets[t]!;
      this.table[at] = sizes[t]!;
      for (let i = 0; i < table.length; i += 2) {
        const field = table[i]!;
        const code = table[i + 1]!;
        if (!Number.isInteger(code) || code < PACKED_FIXED64 || code >= tables.length)
          throw new RangeError(`walk table ${t}: field ${field} has invalid code ${code}`);
        const entry = code >= 0 ? this.offsets[code]! : code;
        if (field < DENSE_FIELDS) this.table[at + HEADER + field] = entry;
        else {
          this.table[at + 1] = 1;
          this.far.set(at * 2 ** 29 + field, entry);
        }
      }
    });
  }

  /**
   * Skips the field whose tag `r` has just read, in a message of type `type`, validating what it nests; throws
   * what the full decoder would throw on the same bytes.
   */
  skipField(r: ProtoReader, tag: number, type: number): void {
    const wireType = tag & 7;
    if (wireType === 0 && tag >= 8) {
      const pos = r.pos;
      r.pos = r.buf[pos]! < 0x80 && pos < r.len ? pos + 1 : skipVarint(r, r.buf, r.len, pos);
      return;
    }
    if (wireType !== 2 || tag < 8) {
      r.skipTag(tag);
      return;
    }
    const end = r.delimitedEnd();
    const entry = this.entry(this.offsets[type]!, tag >>> 3);
    if (entry === 0) r.pos = end;
    else r.pos = entry > 0 ? this.walkRange(r, r.pos, end, entry) : packedList(r, r.pos, end, entry);
  }

  /** Validates `r` from its position up to `end` as a message of type `type`, leaving `r.pos` at `end`. */
  walk(r: ProtoReader, end: number, type: number): void {
    r.pos = this.walkRange(r, r.pos, end, this.offsets[type]!);
    r.endAt(end);
  }

  private entry(at: number, field: number): number {
    const table = this.table;
    if (field < table[at]!) return table[at + HEADER + field]!;
    return table[at + 1] === 0 ? 0 : (this.far.get(at * 2 ** 29 + field) ?? 0);
  }

  /**
   * The walk loop over `pos`..`end` as the type at table offset `at`, nested messages included (on the walk's own
   * stack), reader state in locals; returns `end` after checking every nested message ended where it said.
   */
  private walkRange(r: ProtoReader, pos: number, end: number, at: number): number {
    const buf = r.buf;
    const len = r.len;
    const table = this.table;
    let size = table[at]!;
    // The walked message is one level below the reader's (the message whose field it is); `depth` counts the
    // levels entered below it. Past the limit the reader throws, from where decode<T> would have entered.
    const level = r.depth + 1;
    if (level > MAX_NESTING) {
      r.pos = pos;
      r.enter();
    }
    let depth = 0;
    for (;;) {
      if (pos >= end) {
        if (pos !== end) {
          r.pos = pos;
          r.endAt(end);
        }
        if (depth === 0) return pos;
        depth--;
        end = this.stackEnd[depth]!;
        at = this.stackType[depth]!;
        size = table[at]!;
        continue;
      }
      // The tag: one or two bytes inline (fields up to 2047), longer ones through the reader.
      let tag = buf[pos]!;
      if (tag < 0x80) pos++;
      else if (pos + 1 < len && buf[pos + 1]! < 0x80) {
        tag = (tag & 0x7f) | (buf[pos + 1]! << 7);
        pos += 2;
      } else {
        r.pos = pos;
        tag = r.uint32();
        pos = r.pos;
      }
      const wireType = tag & 7;
      if (wireType === 0 && tag >= 8) {
        if (buf[pos]! < 0x80 && pos < len) pos++;
        else pos = skipVarint(r, buf, len, pos);
      } else if (wireType === 2 && tag >= 8) {
        const lengthAt = pos;
        let n = buf[pos]!;
        if (n < 0x80 && pos < len) pos++;
        else if (pos + 1 < len && buf[pos + 1]! < 0x80) {
          n = (n & 0x7f) | (buf[pos + 1]! << 7);
          pos += 2;
        } else {
          r.pos = pos;
          n = r.uint32();
          pos = r.pos;
        }
        const fieldEnd = pos + n;
        if (fieldEnd > len) {
          // Let the reader throw its 'length runs past the end' from the same offset.
          r.pos = lengthAt;
          r.delimitedEnd();
        }
        const field = tag >>> 3;
        const entry = field < size ? table[at + HEADER + field]! : this.entry(at, field);
        if (entry === 0) pos = fieldEnd;
        else if (entry > 0) {
          // Into the nested message: push the enclosing one.
          if (level + depth >= MAX_NESTING) {
            r.pos = pos;
            r.depth = level + depth;
            r.enter();
          }
          this.stackEnd[depth] = end;
          this.stackType[depth] = at;
          depth++;
          end = fieldEnd;
          at = entry;
          size = table[at]!;
        } else pos = packedList(r, pos, fieldEnd, entry);
      } else if (wireType === 5 && pos + 4 <= len && tag >= 8) pos += 4;
      else if (wireType === 1 && pos + 8 <= len && tag >= 8) pos += 8;
      else {
        // Groups, invalid wire types, field number 0, truncated fixed-width values: the reader's own code (at
        // this message's level: a group nests one deeper).
        const outer = r.depth;
        r.pos = pos;
        r.depth = level + depth;
        r.skipTag(tag);
        r.depth = outer;
        pos = r.pos;
      }
    }
  }
}

/** Validates a packed list (`pos`..`end`) of the kind `code` says; returns `end`. */
function packedList(r: ProtoReader, pos: number, end: number, code: number): number {
  // The full decoder reads every element, bounded by the buffer (not by `end`), then checks the list's end.
  const buf = r.buf;
  const len = r.len;
  if (code === PACKED_VARINT) {
    while (pos < end) {
      if (buf[pos]! < 0x80) pos++;
      else pos = skipVarint(r, buf, len, pos);
    }
  } else {
    const width = code === PACKED_FIXED32 ? 4 : 8;
    while (pos < end) {
      if (pos + width > len) {
        r.pos = pos;
        if (width === 4) r.fixed32();
        else r.fixed64();
      }
      pos += width;
    }
  }
  if (pos !== end) {
    r.pos = pos;
    r.endAt(end);
  }
  return end;
}

/** Skips a varint at `pos` (its first byte has the continuation bit, or is past the end); returns the next position. */
function skipVarint(r: ProtoReader, buf: Uint8Array, len: number, pos: number): number {
  const limit = len - pos > 10 ? pos + 10 : len;
  let i = pos;
  while (i < limit && buf[i]! >= 0x80) i++;
  if (i < limit) return i + 1;
  // Over 10 bytes or cut short: the reader throws 'varint longer than 10 bytes' / 'truncated varint' from `pos`.
  r.pos = pos;
  r.uint32();
  return r.pos;
}
