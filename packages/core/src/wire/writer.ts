/**
 * A minimal protobuf wire-format writer, used by the generated encoders (test builders, the simulator,
 * acks and heartbeats). Not on the decode hot path.
 */

/** A 64-bit integer accepted by the encoders: a decimal string (as decoded), a safe number or a bigint. */
export type Int64Like = string | number | bigint;

const encoder = new TextEncoder();

/** Appends protobuf wire format into a growable buffer. */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** Writes a field tag. */
  tag(field: number, wireType: number): this {
    return this.uint32(((field << 3) | wireType) >>> 0);
  }

  /** Writes an unsigned 32-bit varint. */
  uint32(value: number): this {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 0x7f) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** Writes a signed 32-bit varint (negative values take 10 bytes, as protobuf requires). */
  int32(value: number): this {
    return value < 0 ? this.varintBig(BigInt.asUintN(64, BigInt(value | 0))) : this.uint32(value);
  }

  /** Writes a zigzag signed 32-bit varint. */
  sint32(value: number): this {
    return this.uint32(((value << 1) ^ (value >> 31)) >>> 0);
  }

  /** Writes an unsigned 64-bit varint. */
  uint64(value: Int64Like): this {
    return this.varintBig(BigInt.asUintN(64, BigInt(value)));
  }

  /** Writes a signed 64-bit varint (two's complement). */
  int64(value: Int64Like): this {
    return this.varintBig(BigInt.asUintN(64, BigInt(value)));
  }

  /** Writes a zigzag signed 64-bit varint. */
  sint64(value: Int64Like): this {
    const v = BigInt.asIntN(64, BigInt(value));
    return this.varintBig(BigInt.asUintN(64, (v << 1n) ^ (v >> 63n)));
  }

  private varintBig(value: bigint): this {
    this.ensure(10);
    let v = value;
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  /** Writes a boolean varint. */
  bool(value: boolean): this {
    return this.uint32(value ? 1 : 0);
  }

  private view(n: number): DataView {
    this.ensure(n);
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, n);
    this.pos += n;
    return view;
  }

  /** Writes a little-endian unsigned 32-bit number. */
  fixed32(value: number): this {
    this.view(4).setUint32(0, value >>> 0, true);
    return this;
  }

  /** Writes a little-endian signed 32-bit number. */
  sfixed32(value: number): this {
    this.view(4).setInt32(0, value | 0, true);
    return this;
  }

  /** Writes a little-endian unsigned 64-bit number. */
  fixed64(value: Int64Like): this {
    this.view(8).setBigUint64(0, BigInt.asUintN(64, BigInt(value)), true);
    return this;
  }

  /** Writes a little-endian signed 64-bit number. */
  sfixed64(value: Int64Like): this {
    this.view(8).setBigInt64(0, BigInt.asIntN(64, BigInt(value)), true);
    return this;
  }

  /** Writes a little-endian 32-bit float. */
  float(value: number): this {
    this.view(4).setFloat32(0, value, true);
    return this;
  }

  /** Writes a little-endian 64-bit float. */
  double(value: number): this {
    this.view(8).setFloat64(0, value, true);
    return this;
  }

  /** Writes length-delimited bytes. */
  bytes(value: Uint8Array): this {
    this.uint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** Writes a length-delimited UTF-8 string. */
  string(value: string): this {
    return this.bytes(encoder.encode(value));
  }

  /** Writes a nested message produced by `write` into a scratch writer, length-prefixed. */
  message(write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(inner.finish());
  }

  /** Returns the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

/** True when a 64-bit input is zero (the proto3 default, which is not written). */
export function isZero64(value: Int64Like): boolean {
  return value === '0' || value === 0 || value === 0n || value === '';
}
