// Real Douyin payloads for the benches, read from ../shared/realdata at bench time (never copied into the
// repository): the captured messages by method, in the real corpus's mix (as ../shared/bench/make_corpus.py draws
// them), each with only `common.msgId` and `common.create_time` rewritten and every other byte as captured.
// Used by bench-rooms (simulated rooms pushing real payloads) and bench-replay (a real-payload recording).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Whether `realdata` looks like ../shared/realdata (its `payloads/` and `responses/` folders are there). */
export function hasRealPayloads(realdata) {
  return existsSync(join(realdata, 'payloads')) && existsSync(join(realdata, 'responses'));
}

/** The real corpus's method mix (../shared/bench/make_corpus.py), weights in percent; '*other*' = any other method. */
export const REAL_MIX = [
  ['WebcastMemberMessage', 35],
  ['WebcastChatMessage', 25],
  ['WebcastLikeMessage', 15],
  ['WebcastRoomUserSeqMessage', 8],
  ['WebcastGiftMessage', 7],
  ['WebcastSocialMessage', 4],
  ['WebcastRoomStatsMessage', 3],
  ['*other*', 3],
];
/** Base of the msgIds of real-payload rooms: room i's n-th message is BASE + i × 10⁹ + n (last 9 digits dense). */
export const REAL_MSG_ID_BASE = 7_500_000_000_000_000_000n;
export const MSG_IDS_PER_ROOM = 1_000_000_000n;

/** Protobuf fields of `bytes` at top level: `{ field, wireType, start, end, valueStart }` (end = after the value). */
export function* fieldsOf(bytes) {
  let pos = 0;
  const varint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[pos++];
      if (b === undefined) throw new Error('truncated varint');
      value += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return value;
    }
  };
  while (pos < bytes.length) {
    const start = pos;
    const tag = varint();
    const wireType = tag & 7;
    let valueStart = pos;
    if (wireType === 0) varint();
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const n = varint();
      valueStart = pos;
      pos += n;
    } else throw new Error(`wire type ${wireType}`);
    if (pos > bytes.length) throw new Error('truncated field');
    yield { field: Math.floor(tag / 8), wireType, start, end: pos, valueStart };
  }
}

/** A varint of a non-negative bigint. */
export function varintBytes(n) {
  const out = [];
  let v = BigInt(n);
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

/**
 * The payload's `common`: the first top-level message field whose own field 1 is a `Webcast…` method name (field
 * 1 in nearly every method; PreviewCjRpMessage has it at 2), else field 1 when it is length-delimited.
 */
export function findCommon(payload) {
  let first;
  for (const f of fieldsOf(payload)) {
    if (f.wireType !== 2) continue;
    if (f.field === 1) first ??= f;
    try {
      const inner = payload.subarray(f.valueStart, f.end);
      for (const g of fieldsOf(inner)) {
        if (g.field !== 1 || g.wireType !== 2) break;
        const method = Buffer.from(inner.subarray(g.valueStart, g.end)).toString('utf8');
        if (method.startsWith('Webcast')) return { ...f, method };
        break;
      }
    } catch {
      // Not a message: a string or bytes field.
    }
  }
  return first;
}

/**
 * One real payload split around its `common` so that `build(msgId, createTime)` can put a new `common.msgId` (2)
 * and `common.create_time` (4) in it, every other byte as captured (a payload without one gets one in field 1).
 */
export function preparePayload(method, payload) {
  const common = findCommon(payload);
  const field = common?.field ?? 1;
  const before = common ? payload.subarray(0, common.start) : new Uint8Array(0);
  const after = common ? payload.subarray(common.end) : payload;
  const kept = [];
  if (common) {
    for (const f of fieldsOf(payload.subarray(common.valueStart, common.end))) {
      if (f.field !== 2 && f.field !== 4)
        kept.push(payload.subarray(common.valueStart + f.start, common.valueStart + f.end));
    }
  }
  // common.method (field 1) first, as in captures, then msgId and create_time, then the rest.
  const head = kept.length && kept[0][0] === 0x0a ? [kept.shift()] : [];
  const tag = Uint8Array.from(varintBytes(field * 8 + 2));
  return {
    method,
    size: payload.length,
    build(msgId, createTime) {
      const ids = Uint8Array.from([0x10, ...varintBytes(msgId), 0x20, ...varintBytes(createTime)]);
      const parts = [...head, ids, ...kept];
      const commonLength = parts.reduce((n, p) => n + p.length, 0);
      return Buffer.concat([before, tag, Uint8Array.from(varintBytes(commonLength)), ...parts, after]);
    },
  };
}

/**
 * The real payloads by mix category: the messages of the two captured im/fetch Responses and the one-per-method
 * payload files (as make_corpus.py reads them; its optional extra captures are not used here), read from `realdata`
 * (a ../shared/realdata directory); `decodeWire` is the measured tree's own (`@douyin-live/core`).
 */
export function loadRealPool(decodeWire, realdata) {
  const pool = new Map(REAL_MIX.map(([category]) => [category, []]));
  const add = (method, payload) => {
    const category = pool.has(method) ? method : '*other*';
    pool.get(category).push(preparePayload(method, Uint8Array.from(payload)));
  };
  for (const name of ['fetch-2021-11-28.bin', 'fetch-2021-12-13.bin']) {
    const response = decodeWire('Response', readFileSync(join(realdata, 'responses', name)));
    for (const m of response.messages) if (m.method && m.payload.length) add(m.method, m.payload);
  }
  for (const name of readdirSync(join(realdata, 'payloads')).sort()) {
    if (!name.endsWith('.bin')) continue;
    const payload = readFileSync(join(realdata, 'payloads', name));
    const method = findCommon(payload)?.method;
    add(method?.startsWith('Webcast') ? method : `Webcast${name.slice(0, -4)}`, payload);
  }
  for (const [category, list] of pool) if (list.length === 0) throw new Error(`no real payload for ${category}`);
  return pool;
}

/**
 * Real messages for room `index`: `next(count)` draws `count` payloads in the real mix (without replacement within
 * a method until its list is used up, as make_corpus.py does) with this room's next msgIds.
 */
export function realMessages(pool, mulberry32, index) {
  const random = mulberry32(20260927 + index);
  const bags = new Map();
  const total = REAL_MIX.reduce((n, [, w]) => n + w, 0);
  let n = 0n;
  const base = REAL_MSG_ID_BASE + BigInt(index) * MSG_IDS_PER_ROOM;
  const draw = () => {
    let r = random() * total;
    let category = REAL_MIX[0][0];
    for (const [c, w] of REAL_MIX) {
      category = c;
      if ((r -= w) < 0) break;
    }
    let bag = bags.get(category);
    if (!bag?.length) {
      const list = pool.get(category);
      bag = list.map((_, i) => i);
      for (let i = bag.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [bag[i], bag[j]] = [bag[j], bag[i]];
      }
      bags.set(category, bag);
    }
    return pool.get(category)[bag.pop()];
  };
  return {
    random,
    next(count, now = Date.now()) {
      const out = [];
      for (let k = 0; k < count; k++) {
        const real = draw();
        const msgId = base + n++;
        out.push({ method: real.method, msgId: String(msgId), payload: real.build(msgId, now) });
      }
      return out;
    },
  };
}

/** Messages in one tick of `tickMs` of a room at `rate` msg/s: Poisson with mean rate × tick (Knuth's method). */
export function poissonCount(random, rate, tickMs) {
  const limit = Math.exp(-(rate * tickMs) / 1000);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

/**
 * One PushFrame of `batch` framed as the simulator frames a push (packages/simulator/src/cursor.ts shapes): a
 * gzip'd Response with cursor, internal_ext, now and need_ack, and the im-cursor / im-internal_ext / im-now /
 * im-live_cursor headers, so the ack a client encodes for it is as long as a live one. `seq` counts the messages
 * pushed so far (this batch included), `frame` the frames; `core`, `simulator` and `testing` are the measured
 * tree's packages. Returns the frame's bytes, its log id and the Response's internal_ext (what an ack carries).
 */
export function simulatorFrame({ batch, roomId, firstReqMs, now, seq, frame }, { core, simulator, testing }) {
  const logId = String(7_300_000_000_000_000_000n + BigInt(frame));
  const wrds = String(7_400_000_000_000_000_000n + BigInt(seq));
  const cursor = simulator.encodeCursor(seq, now);
  const bodyExt = `internal_src:dim|wss_push_room_id:${roomId}|wss_push_did:7300000000000000001|first_req_ms:${firstReqMs}|fetch_time:${now}|seq:${seq}|wss_info:0-${now}-0-0|wrds_v:${wrds}`;
  const headerExt = `internal_src:pushserver|first_req_ms:${firstReqMs}|wss_msg_type:r|wrds_v:${wrds}|log_id:${logId}`;
  const response = testing.encodeResponse({
    messages: batch,
    cursor,
    fetchInterval: '0',
    now: String(now),
    internalExt: bodyExt,
    heartbeatDuration: '0',
    needAck: true,
  });
  const { FrameHeader } = core;
  const bytes = testing.encodeFrame({
    response,
    logId,
    seqId: String(frame),
    headers: {
      [FrameHeader.CURSOR]: cursor,
      [FrameHeader.INTERNAL_EXT]: headerExt,
      [FrameHeader.NOW]: String(now),
      [FrameHeader.LIVE_CURSOR]: 'd-1_u-1',
    },
  });
  return { bytes, logId, internalExt: bodyExt };
}
