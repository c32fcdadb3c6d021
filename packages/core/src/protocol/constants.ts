/** Wire-level constants of Douyin's webcast push protocol (§4 of the protocol sheet). */

/** `PushFrame.payload_type` values. */
export const PayloadType = {
  /** Server → client data: the payload is a (usually gzipped) Response. */
  MSG: 'msg',
  /** Heartbeat (client → server; the server answers with an empty one). */
  HEARTBEAT: 'hb',
  /** Client → server acknowledgement. */
  ACK: 'ack',
  /** Server → client: the server is closing the connection. */
  CLOSE: 'close',
} as const;

/** PushFrame header keys the server sets. */
export const FrameHeader = {
  COMPRESS_TYPE: 'compress_type',
  CURSOR: 'im-cursor',
  INTERNAL_EXT: 'im-internal_ext',
  NOW: 'im-now',
  LIVE_CURSOR: 'im-live_cursor',
} as const;

/** The serialised heartbeat frame: PushFrame{payload_type: "hb"} is exactly these 4 bytes. */
export const HEARTBEAT_FRAME: Uint8Array = Uint8Array.of(0x3a, 0x02, 0x68, 0x62);

/** ControlMessage.action meaning "the live has ended". */
export const CONTROL_ACTION_LIVE_END = 3;

/** True when bytes start with the gzip magic `1f 8b` (trusted over the compress_type header, §4.2). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}
