/**
 * Inflates one gzip member synchronously, the per-frame hot path: one zlib context reused for every frame and
 * the output written straight into a buffer of the size the gzip trailer announces (no chunk list, no concat).
 * `zlib.gunzipSync` builds a whole zlib stream object per call, which on Douyin's 1–10 KB frames costs about a
 * fifth of the inflate itself (see docs/performance.md). Anything unusual — an error, a trailer whose size does
 * not match, a second member, trailing bytes, an implausible size — goes through `gunzipSync` instead, so results
 * and errors are exactly `gunzipSync`'s.
 */
import { constants, createGunzip, gunzipSync, type Gunzip } from 'node:zlib';

/** Output sizes above this go through `gunzipSync` (a trailer can claim anything up to 4 GiB). */
const MAX_DIRECT_BYTES = 64 * 1024 * 1024;
/** Deflate cannot expand input by more than ~1032:1; a trailer claiming more is not trusted. */
const MAX_RATIO = 1032;
/** gzip header (10 bytes) + empty deflate block + trailer (8 bytes). */
const MIN_GZIP_BYTES = 18;

/** The parts of node's zlib binding that `gunzipSync` itself drives (present since Node 10, unchanged through 22). */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Uint8Array,
    inOffset: number,
    inLength: number,
    output: Uint8Array,
    outOffset: number,
    outLength: number,
  ): void;
  reset(): void;
  close(): void;
  onerror: (message: string, errno: number) => void;
}

interface Engine {
  readonly stream: Gunzip;
  readonly handle: ZlibHandle;
  /** `[availOutAfter, availInAfter]` of the last `writeSync`. */
  readonly state: Uint32Array;
  failed: boolean;
}

let engine: Engine | undefined | null;

function getEngine(): Engine | null {
  if (engine !== undefined) return engine;
  try {
    const stream = createGunzip();
    const internals = stream as unknown as { _handle?: ZlibHandle; _writeState?: Uint32Array };
    const handle = internals._handle;
    const state = internals._writeState;
    if (handle === undefined || typeof handle.writeSync !== 'function' || !(state instanceof Uint32Array)) {
      engine = null;
      return null;
    }
    const made: Engine = { stream, handle, state, failed: false };
    handle.onerror = () => {
      made.failed = true;
    };
    engine = made;
  } catch {
    engine = null;
  }
  return engine;
}

/** Inflates a gzip payload; throws as `gunzipSync` does on bad input. */
export function gunzip(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  const e = n >= MIN_GZIP_BYTES ? getEngine() : null;
  if (e === null) return gunzipSync(bytes);
  const size = (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
  if (size > MAX_DIRECT_BYTES || size > n * MAX_RATIO) return gunzipSync(bytes);
  // One spare byte: a member that ends exactly at `size` leaves it free, a longer output fills it.
  const out = Buffer.allocUnsafe(size + 1);
  e.handle.writeSync(constants.Z_FINISH, bytes, 0, n, out, 0, size + 1);
  const ok = !e.failed && e.state[0] === 1 && e.state[1] === 0;
  if (e.failed) {
    // Start afresh after an error rather than trust the context's state.
    engine = undefined;
    e.stream.close();
  } else e.handle.reset();
  return ok ? out.subarray(0, size) : gunzipSync(bytes);
}
