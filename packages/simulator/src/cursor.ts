/**
 * Cursors and `internal_ext` strings the simulator issues (§2.2 format notes). The cursor carries the room
 * sequence number of the last message the client was given, so a reconnect can resume after it.
 */

/** The cursor for "everything up to `seq` has been delivered", e.g. `t-1790000000000_r-42_d-1_u-1`. */
export function encodeCursor(seq: number, nowMs: number): string {
  return `t-${nowMs}_r-${seq}_d-1_u-1`;
}

/**
 * The sequence number a cursor issued by {@link encodeCursor} carries, or `undefined` for any other shape (an
 * empty cursor, a real Douyin cursor with an `fh-` id, a client's synthetic default).
 */
export function parseCursorSeq(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const match = /^t-\d+_r-(\d+)_d-1_u-1$/.exec(cursor);
  if (match?.[1] === undefined) return undefined;
  const seq = Number(match[1]);
  return Number.isSafeInteger(seq) ? seq : undefined;
}

/** What an `internal_ext` names. */
export interface InternalExtInput {
  readonly roomId: string;
  readonly userUniqueId: string;
  /** When the connection (or fetch) started, in ms. */
  readonly firstReqMs: number;
  /** Server time, in ms. */
  readonly nowMs: number;
  /** Room sequence number of the last message included. */
  readonly seq: number;
}

/** The `internal_ext` of a Response body, shaped like im/fetch's (`internal_src:dim|wss_push_room_id:…`). */
export function bodyInternalExt(i: InternalExtInput): string {
  return [
    'internal_src:dim',
    `wss_push_room_id:${i.roomId}`,
    `wss_push_did:${i.userUniqueId}`,
    `first_req_ms:${i.firstReqMs}`,
    `fetch_time:${i.nowMs}`,
    `seq:${i.seq}`,
    `wss_info:0-${i.nowMs}-0-0`,
    `wrds_v:${7_400_000_000_000_000_000n + BigInt(i.seq)}`,
  ].join('|');
}

/**
 * The `im-internal_ext` header of a pushed frame, shaped like the push server's
 * (`internal_src:pushserver|first_req_ms:…|wss_msg_type:r|wrds_v:…`). It differs from the body value on purpose,
 * as in captures: a correct ack carries this one (§4.4), and the log id makes every frame's value distinct.
 */
export function headerInternalExt(i: InternalExtInput, logId: string): string {
  return [
    'internal_src:pushserver',
    `first_req_ms:${i.firstReqMs}`,
    `wss_msg_type:r`,
    `wrds_v:${7_400_000_000_000_000_000n + BigInt(i.seq)}`,
    `log_id:${logId}`,
  ].join('|');
}
