/**
 * @douyin-live/libdeflate: the optional inflater of @douyin-live/core. Installed beside core (it is one of core's
 * optional dependencies), it is found and used without a line of code; a bot never imports it. Its install script
 * builds a small Node-API binding of libdeflate (`native/libdeflate.c`, see `install.mjs`), which inflates
 * Douyin's 1–10 KB frames in about three quarters of the time Node's zlib takes. When the binding could not be
 * built (no C compiler, no `libdeflate-dev`) {@link libdeflate} says why, and core keeps Node's
 * zlib.
 *
 * What it exports is the binding itself, meant for core's inflater: gzip framing, size limits and every fallback
 * are core's (`pipeline/inflate.ts`).
 */
import { createRequire } from 'node:module';

/** The binding's functions. */
export interface LibdeflateBinding {
  /**
   * Inflates the raw deflate stream in `input[inOffset, inOffset + inLength)` into `output[0, outLength)`.
   * Returns the bytes written when the stream ended exactly at the end of that range, `-1` otherwise (corrupt or
   * truncated data, more output than `outLength`, bytes left after the last block). Throws a `TypeError` for an
   * argument that is not a `Uint8Array` and a `RangeError` for a range outside its array.
   */
  inflateRawInto(input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outLength: number): number;
  /** The version of the libdeflate it was built against, e.g. `1.14`. */
  readonly libdeflateVersion: string;
}

/** Whether the binding loaded: the binding, or why not. */
export type Availability =
  | { readonly available: true; readonly binding: LibdeflateBinding }
  | { readonly available: false; readonly reason: string };

/** Where `install.mjs` puts the binding, relative to this file (in src/ or dist/ alike). */
const BINDING_PATH = '../build/libdeflate.node';

function load(): Availability {
  try {
    // An addon loads only through require.
    const binding = createRequire(import.meta.url)(BINDING_PATH) as LibdeflateBinding;
    if (typeof binding.inflateRawInto !== 'function')
      return { available: false, reason: 'the binding has no inflateRawInto' };
    return { available: true, binding };
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    const reason =
      code === 'MODULE_NOT_FOUND'
        ? 'not built when it was installed (see its install output, or run `npm rebuild @douyin-live/libdeflate`)'
        : `the binding does not load: ${(e as Error).message}`;
    return { available: false, reason };
  }
}

/** The binding of this process, loaded once when this module is. */
export const libdeflate: Availability = load();
