/**
 * Constants and helpers of the `.dyrec` format shared by the writer and the reader: the MessagePack settings,
 * part file names and the schema hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { Packr, Unpackr } from 'msgpackr';

/** The `format` field of every header. */
export const FORMAT_NAME = 'dyrec';

/** The format version this package writes and the newest it reads. */
export const FORMAT_VERSION = 1;

/** Version of `@douyin-live/recorder`, stamped into headers (kept in step with package.json). */
export const RECORDER_VERSION = '0.1.0';

/**
 * The bytes that follow the header's map marker: the header is written with `format: 'dyrec'` as its first
 * entry, so every `.dyrec` file starts `8x a6 "format" a5 "dyrec"` and a wrong file is told apart at once.
 */
export const HEADER_MAGIC: Uint8Array = Uint8Array.from([
  0xa6,
  ...Buffer.from('format'),
  0xa5,
  ...Buffer.from(FORMAT_NAME),
]);

/**
 * A MessagePack encoder that any decoder in any language reads: plain maps (no msgpackr records), variable map
 * sizes (fixmap for small maps), `undefined` as nil (never msgpackr's extension).
 */
export function createPackr(): Packr {
  return new Packr({ useRecords: false, variableMapSize: true, encodeUndefinedAsNil: true, moreTypes: false });
}

/** The matching decoder: maps as plain objects, binaries copied out of the read chunk. */
export function createUnpackr(): Unpackr {
  return new Unpackr({ useRecords: false, mapsAsObjects: true, copyBuffers: true });
}

/**
 * The file name of part `n` of a recording: `session.dyrec`, `session.1.dyrec`, `session.2.dyrec`, ... (a path
 * without an extension gets `.1`, `.2`, ... appended).
 */
export function partPath(path: string, part: number): string {
  if (part === 0) return path;
  const ext = extname(path);
  if (ext === '') return `${path}.${part}`;
  return join(dirname(path), `${basename(path, ext)}.${part}${ext}`);
}

/** Where the schema lives in the repository. */
const PROTO_RELATIVE = join('proto', 'douyin.proto');

/** How many directories above the working directory to look for `proto/douyin.proto`. */
const PROTO_SEARCH_DEPTH = 6;

/**
 * `sha256:<hex>` of `proto/douyin.proto`, found in the working directory or one of its parents (the repository
 * during development); `unknown` when there is none (an installed package). The build may pass a generated
 * constant instead through the `schemaHash` option.
 */
export function defaultSchemaHash(cwd: string = process.cwd()): string {
  let dir = resolve(cwd);
  for (let i = 0; i <= PROTO_SEARCH_DEPTH; i++) {
    const candidate = join(dir, PROTO_RELATIVE);
    if (existsSync(candidate)) {
      return `sha256:${createHash('sha256').update(readFileSync(candidate)).digest('hex')}`;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return 'unknown';
}
