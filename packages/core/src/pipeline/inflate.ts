/**
 * Inflates one gzip member synchronously, the per-frame hot path, with reused zlib contexts whose output goes
 * straight into a buffer of the size the gzip trailer announces (no chunk list, no concat). `zlib.gunzipSync`
 * builds a whole zlib stream object per call, which on Douyin's 1–10 KB frames costs about a fifth of the inflate
 * itself (see docs/performance.md).
 *
 * A member with the plain 10-byte header every Douyin frame has (deflate, no flag set) is inflated as raw deflate
 * between the header and the 8-byte trailer, and accepted when the deflate stream ends exactly where the trailer
 * begins and produced exactly the trailer's ISIZE bytes. The trailer's CRC-32 is **not** computed: it would cost
 * about a fifth of the inflate again, and it guards bytes that TLS (`wss://`) already authenticates end to end. A
 * corrupted payload that still inflates to the announced size (a recording damaged on disk: `.dyrec` files carry
 * no checksum of their own) then fails as a Response or message decode failure, or decodes to different values;
 * it never throws. Any other member (flags, another method, an error, a size mismatch, trailing bytes, an
 * implausible size) goes through a reused gzip context that checks the CRC, and anything unusual there through
 * `gunzipSync` itself, so those results and errors are exactly `gunzipSync`'s.
 *
 * **libdeflate.** When the optional `@douyin-live/libdeflate` is installed with its binding built (it is one of this
 * package's optional dependencies; its install script needs a C compiler and `libdeflate-dev`), the raw deflate of
 * such a member is inflated by libdeflate instead, under exactly the same acceptance rule: on Douyin's frames it
 * takes ~10.5 µs where Node's zlib takes ~13.5 (docs/performance.md). Whatever libdeflate does not accept goes on
 * to the checked zlib path below, so the results and errors of unusual members stay `gunzipSync`'s.
 * `DOUYIN_LIVE_INFLATE=zlib` in the environment keeps Node's zlib; {@link inflaterInUse} says which one runs.
 *
 * {@link gunzip} returns a fresh buffer per call. {@link gunzipShared} writes into one buffer reused from call to
 * call (while outputs fit in {@link MAX_SHARED_BYTES}), valid until the next `gunzipShared` call: the per-frame path
 * (see `frameBody.ts`), where a fresh 5–50 KB buffer per frame was most of what the garbage collector had to do for a
 * thousand rooms.
 */
import { createRequire } from 'node:module';
import { constants, createGunzip, createInflateRaw, gunzipSync, type Gunzip, type InflateRaw } from 'node:zlib';

/** Output sizes above this go through `gunzipSync` (a trailer can claim anything up to 4 GiB). */
const MAX_DIRECT_BYTES = 64 * 1024 * 1024; // 64 MiB
/** Deflate cannot expand input by more than ~1032:1; a trailer claiming more is not trusted. */
const MAX_RATIO = 1032;
/** gzip header (10 bytes) + empty deflate block + trailer (8 bytes). */
const MIN_GZIP_BYTES = 18;
/** Bytes of a gzip header without optional fields (magic, method, flags, mtime, xfl, os). */
const GZIP_HEADER_BYTES = 10;
/** Bytes of the gzip trailer (CRC-32, ISIZE). */
const GZIP_TRAILER_BYTES = 8;
/** The gzip compression method byte for deflate, the only one defined. */
const METHOD_DEFLATE = 8;

/** The largest output {@link gunzipShared} writes into its shared buffer; larger ones get a buffer of their own. */
export const MAX_SHARED_BYTES = 1024 * 1024; // 1 MiB

/** The buffer {@link gunzipShared} reuses (grown on demand, never past MAX_SHARED_BYTES + 1). */
let shared: Buffer = Buffer.allocUnsafe(0);
/** Counts the writes into {@link shared}: a view taken at one count is stale once it has moved on. */
let sharedWrites = 0;

/** What this module uses of `@douyin-live/libdeflate`'s binding (declared here: core does not depend on its types). */
export interface NativeInflater {
  /** Bytes written when the raw deflate stream ended exactly at the end of the input range, otherwise -1. */
  inflateRawInto(input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outLength: number): number;
  readonly libdeflateVersion: string;
}

/** Which inflater takes Douyin's plain members, and why when it is zlib. */
export type InflaterInUse =
  { readonly name: 'libdeflate'; readonly version: string } | { readonly name: 'zlib'; readonly reason: string };

/** Loads the optional binding, unless the environment asks for zlib. */
function loadNative(): { native: NativeInflater | null; inUse: InflaterInUse } {
  if (process.env['DOUYIN_LIVE_INFLATE'] === 'zlib')
    return { native: null, inUse: { name: 'zlib', reason: 'DOUYIN_LIVE_INFLATE=zlib' } };
  let loaded: { libdeflate?: { available: boolean; binding?: NativeInflater; reason?: string } };
  try {
    // Synchronous, for the first frame: `require` of an ES module (Node 20.19 and later).
    loaded = createRequire(import.meta.url)('@douyin-live/libdeflate') as typeof loaded;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const reason =
      code === 'MODULE_NOT_FOUND'
        ? '@douyin-live/libdeflate is not installed'
        : code === 'ERR_REQUIRE_ESM'
          ? `Node ${process.version} cannot require an ES module (20.19 and later can)`
          : `@douyin-live/libdeflate does not load: ${(e as Error).message}`;
    return { native: null, inUse: { name: 'zlib', reason } };
  }
  const state = loaded.libdeflate;
  if (state?.available === true && state.binding !== undefined && typeof state.binding.inflateRawInto === 'function')
    return { native: state.binding, inUse: { name: 'libdeflate', version: state.binding.libdeflateVersion } };
  return { native: null, inUse: { name: 'zlib', reason: state?.reason ?? '@douyin-live/libdeflate has no binding' } };
}

let { native, inUse } = loadNative();

/** Which inflater takes Douyin's plain gzip members in this process: libdeflate, or zlib and why. */
export function inflaterInUse(): InflaterInUse {
  return inUse;
}

/**
 * Makes `binding` (or, with `null`, Node's zlib) take the plain members from now on, and returns the binding in use
 * before. For tests and benchmarks that compare both paths in one process.
 */
export function useNativeInflater(binding: NativeInflater | null): NativeInflater | null {
  const before = native;
  native = binding;
  inUse =
    binding === null
      ? { name: 'zlib', reason: 'useNativeInflater(null)' }
      : { name: 'libdeflate', version: binding.libdeflateVersion };
  return before;
}

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

/** One reused zlib context. */
interface Engine {
  readonly stream: Gunzip | InflateRaw;
  readonly handle: ZlibHandle;
  /** `[availOutAfter, availInAfter]` of the last `writeSync`. */
  readonly state: Uint32Array;
  failed: boolean;
}

/** A context of each kind; undefined until first used, null when this runtime's zlib lacks the internals. */
let gzipEngine: Engine | undefined | null;
let rawEngine: Engine | undefined | null;

function makeEngine(create: () => Gunzip | InflateRaw): Engine | null {
  try {
    const stream = create();
    const internals = stream as unknown as { _handle?: ZlibHandle; _writeState?: Uint32Array };
    const handle = internals._handle;
    const state = internals._writeState;
    // Checked by tag, not instanceof: under a vm context (jest) node's own arrays come from another realm.
    const isState = Object.prototype.toString.call(state) === '[object Uint32Array]';
    if (handle === undefined || typeof handle.writeSync !== 'function' || !isState) return null;
    const made: Engine = { stream, handle, state: state as Uint32Array, failed: false };
    handle.onerror = () => {
      made.failed = true;
    };
    return made;
  } catch {
    return null;
  }
}

/**
 * Runs one whole input through `e` into `out` (`expected` bytes plus one spare: a stream that ends exactly at
 * `expected` leaves it free, a longer one fills it). True when the stream ended having produced exactly
 * `expected` bytes and consumed exactly the input. Resets the context, or retires it after an error.
 */
function inflateInto(
  e: Engine,
  input: Uint8Array,
  inOffset: number,
  inLength: number,
  out: Uint8Array,
  expected: number,
): boolean {
  e.handle.writeSync(constants.Z_FINISH, input, inOffset, inLength, out, 0, expected + 1);
  // A stream that did not end with input and output room left is an error ("unexpected end of file") in the binding.
  const ok = !e.failed && e.state[0] === 1 && e.state[1] === 0;
  if (e.failed) {
    // Start afresh after an error rather than trust the context's state.
    if (e === gzipEngine) gzipEngine = undefined;
    else rawEngine = undefined;
    e.stream.close();
  } else e.handle.reset();
  return ok;
}

/** Inflates a gzip payload into a fresh buffer; throws as `gunzipSync` does on input it rejects (see the module doc for the CRC). */
export function gunzip(bytes: Uint8Array): Uint8Array {
  return inflateMember(bytes, false);
}

/**
 * {@link gunzip} into the shared buffer when the output fits (a view of it, overwritten by the next call: see
 * {@link isShared} and {@link sharedWriteCount}), into a fresh buffer otherwise.
 */
export function gunzipShared(bytes: Uint8Array): Uint8Array {
  return inflateMember(bytes, true);
}

/** True when `view` is a view of the shared buffer (valid only while {@link sharedWriteCount} has not moved on). */
export function isShared(view: Uint8Array): boolean {
  return view.buffer === shared.buffer;
}

/** How many times the shared buffer has been written so far. */
export function sharedWriteCount(): number {
  return sharedWrites;
}

function inflateMember(bytes: Uint8Array, reuse: boolean): Uint8Array {
  const n = bytes.length;
  if (n < MIN_GZIP_BYTES) return gunzipSync(bytes);
  const size = (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
  if (size > MAX_DIRECT_BYTES || size > n * MAX_RATIO) return gunzipSync(bytes);
  let out: Buffer;
  if (reuse && size <= MAX_SHARED_BYTES) {
    if (shared.length < size + 1)
      shared = Buffer.allocUnsafe(Math.min(MAX_SHARED_BYTES, Math.max(size, 2 * shared.length)) + 1);
    out = shared;
    sharedWrites++;
  } else out = Buffer.allocUnsafe(size + 1);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b && bytes[2] === METHOD_DEFLATE && bytes[3] === 0) {
    const bodyBytes = n - GZIP_HEADER_BYTES - GZIP_TRAILER_BYTES;
    if (native !== null) {
      // Same rule as the zlib path below: ends where the trailer begins, exactly ISIZE bytes (one spare byte of
      // room tells a longer stream apart). Anything else goes on to the checked gzip path.
      if (native.inflateRawInto(bytes, GZIP_HEADER_BYTES, bodyBytes, out, size + 1) === size)
        return out.subarray(0, size);
    } else {
      const raw = rawEngine === undefined ? (rawEngine = makeEngine(createInflateRaw)) : rawEngine;
      if (raw !== null && inflateInto(raw, bytes, GZIP_HEADER_BYTES, bodyBytes, out, size))
        return out.subarray(0, size);
    }
  }
  const gz = gzipEngine === undefined ? (gzipEngine = makeEngine(createGunzip)) : gzipEngine;
  if (gz !== null && inflateInto(gz, bytes, 0, n, out, size)) return out.subarray(0, size);
  return gunzipSync(bytes);
}
