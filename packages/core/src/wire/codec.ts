import { codecs, type WireTypes } from '../gen/douyin.js';
import type { MessageInit } from './init.js';
import { ProtoReader } from './reader.js';
import { ProtoWriter } from './writer.js';

/** The name of a wire type of the schema (`PushFrame`, `ChatMessage`, ...). */
export type WireTypeName = keyof WireTypes;

/** Decodes bytes as the named wire type; throws {@link WireFormatError} on malformed input. */
export function decodeWire<K extends WireTypeName>(type: K, bytes: Uint8Array): WireTypes[K] {
  const reader = new ProtoReader(bytes);
  const value = codecs[type].decode(reader, reader.len);
  // A field that ran past the end of the input surfaces here.
  reader.endAt(reader.len);
  return value as WireTypes[K];
}

/** Encodes a (partial) wire object of the named type. */
export function encodeWire<K extends WireTypeName>(type: K, value: MessageInit<WireTypes[K]>): Uint8Array {
  const writer = new ProtoWriter();
  (codecs[type].encode as (m: MessageInit<WireTypes[K]>, w: ProtoWriter) => void)(value, writer);
  return writer.finish();
}
