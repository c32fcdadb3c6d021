#!/usr/bin/env node
// Generates packages/core/src/gen/ from proto/douyin.proto and proto/methods.json.
// Usage: node scripts/generate.mjs          (write the files)
//        node scripts/generate.mjs --check  (exit 1 when the committed files differ from a fresh generation)
//
// The output is plain TypeScript over the project's own wire reader/writer: 64-bit integers become decimal
// strings, unknown fields and fields with an unexpected wire type are skipped (as the protobuf spec asks),
// and nested messages are bounds-checked.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const protoPath = join(root, 'proto/douyin.proto');
const methodsPath = join(root, 'proto/methods.json');
const friendlyPath = join(root, 'proto/friendly-fields.json');
const outDir = join(root, 'packages/core/src/gen');

const SCALARS = {
  double: { ts: 'number', def: '0', read: 'double', wt: 1, packable: true },
  float: { ts: 'number', def: '0', read: 'float', wt: 5, packable: true },
  int32: { ts: 'number', def: '0', read: 'int32', wt: 0, packable: true },
  uint32: { ts: 'number', def: '0', read: 'uint32', wt: 0, packable: true },
  sint32: { ts: 'number', def: '0', read: 'sint32', wt: 0, packable: true },
  fixed32: { ts: 'number', def: '0', read: 'fixed32', wt: 5, packable: true },
  sfixed32: { ts: 'number', def: '0', read: 'sfixed32', wt: 5, packable: true },
  int64: { ts: 'string', def: "'0'", read: 'int64', wt: 0, packable: true, long: true },
  uint64: { ts: 'string', def: "'0'", read: 'uint64', wt: 0, packable: true, long: true },
  sint64: { ts: 'string', def: "'0'", read: 'sint64', wt: 0, packable: true, long: true },
  fixed64: { ts: 'string', def: "'0'", read: 'fixed64', wt: 1, packable: true, long: true },
  sfixed64: { ts: 'string', def: "'0'", read: 'sfixed64', wt: 1, packable: true, long: true },
  bool: { ts: 'boolean', def: 'false', read: 'bool', wt: 0, packable: true },
  string: { ts: 'string', def: "''", read: 'string', wt: 2, packable: false },
  bytes: { ts: 'Uint8Array', def: 'EMPTY_BYTES', read: 'bytes', wt: 2, packable: false },
};

function load() {
  const source = readFileSync(protoPath, 'utf8');
  const parsed = protobuf.parse(source, { keepCase: false, alternateCommentMode: true });
  parsed.root.resolveAll();
  const ns = parsed.root.lookup(parsed.package ?? 'douyin');
  const types = ns.nestedArray.filter((t) => t instanceof protobuf.Type);
  for (const t of types) {
    if (t.nestedArray.length)
      throw new Error(`${t.name}: nested declarations are not supported; declare them top-level`);
    if (t.oneofsArray.length) throw new Error(`${t.name}: oneof is not supported`);
  }
  const methods = JSON.parse(readFileSync(methodsPath, 'utf8'));
  const names = new Set(types.map((t) => t.name));
  for (const [method, type] of Object.entries(methods)) {
    if (!names.has(type)) throw new Error(`methods.json: ${method} maps to unknown type ${type}`);
  }
  const friendly = JSON.parse(readFileSync(friendlyPath, 'utf8'));
  delete friendly.$comment;
  const byName = new Map(types.map((t) => [t.name, t]));
  for (const [type, fields] of Object.entries(friendly)) {
    const t = byName.get(type);
    if (!t) throw new Error(`friendly-fields.json: unknown type ${type}`);
    for (const entry of fields) {
      const f = t.fields[entry.replace(/\[0\]$/, '')];
      if (!f) throw new Error(`friendly-fields.json: ${type} has no field ${entry}`);
      if (entry.endsWith('[0]') && (!f.repeated || f.map || isMessage(f)))
        throw new Error(`friendly-fields.json: ${type}.${entry}: [0] is for repeated scalar fields`);
    }
  }
  return { types, methods, friendly, byName };
}

function scalar(type, where) {
  const s = SCALARS[type];
  if (!s) throw new Error(`${where}: unsupported type ${type} (enums are not supported; use int32)`);
  return s;
}

const isMessage = (f) => f.resolvedType instanceof protobuf.Type;

function tsType(f, where) {
  if (f.map) {
    const v = f.resolvedType ? f.resolvedType.name : scalar(f.type, where).ts;
    return `Record<string, ${v}>`;
  }
  const base = isMessage(f) ? f.resolvedType.name : scalar(f.type, where).ts;
  if (f.repeated) return `${base}[]`;
  return isMessage(f) ? `${base} | undefined` : base;
}

function defaultValue(f, where) {
  if (f.map) return 'EMPTY_MAP';
  if (f.repeated) return 'EMPTY_LIST';
  if (isMessage(f)) return 'undefined';
  return scalar(f.type, where).def;
}

const tag = (id, wt) => ((id << 3) | wt) >>> 0;

function readExpr(type, where) {
  return `r.${scalar(type, where).read}()`;
}

function decodeCases(f, where) {
  const prop = `m.${f.name}`;
  if (f.map) {
    const keyRead = readExpr(f.keyType, where);
    const keyTag = tag(1, scalar(f.keyType, where).wt);
    const valueIsMsg = !!f.resolvedType;
    const valueTag = tag(2, valueIsMsg ? 2 : scalar(f.type, where).wt);
    const valueDefault = valueIsMsg ? 'undefined' : scalar(f.type, where).def;
    const valueRead = valueIsMsg
      ? `(() => { const ve = r.delimitedEnd(); const vm = decode${f.resolvedType.name}(r, ve); r.endAt(ve); return vm; })()`
      : readExpr(f.type, where);
    return [
      `      case ${tag(f.id, 2)}: {`,
      `        const e = r.delimitedEnd();`,
      // A map entry is a message of its own: one nesting level, as the validation walk counts it.
      `        r.enter();`,
      `        let k: string | number | boolean = ${scalar(f.keyType, where).def};`,
      `        let v: ${valueIsMsg ? `${f.resolvedType.name} | undefined` : scalar(f.type, where).ts} = ${valueDefault};`,
      `        while (r.pos < e) {`,
      `          const et = r.uint32();`,
      `          if (et === ${keyTag}) k = ${keyRead};`,
      `          else if (et === ${valueTag}) v = ${valueRead};`,
      `          else r.skipTag(et);`,
      `        }`,
      `        r.endAt(e);`,
      `        r.leave();`,
      `        if (${prop} === EMPTY_MAP) ${prop} = Object.create(null) as typeof ${prop};`,
      valueIsMsg
        ? `        ${prop}[String(k)] = v ?? decode${f.resolvedType.name}(new ProtoReader(EMPTY_BYTES), 0);`
        : `        ${prop}[String(k)] = v;`,
      `        break;`,
      `      }`,
    ];
  }
  if (isMessage(f)) {
    const sub = `decode${f.resolvedType.name}(r, e)`;
    const assign = f.repeated
      ? `(${prop} === EMPTY_LIST ? (${prop} = freshList()) : ${prop}).push(${sub});`
      : `${prop} = ${sub};`;
    return [
      `      case ${tag(f.id, 2)}: {`,
      `        const e = r.delimitedEnd();`,
      `        ${assign}`,
      `        r.endAt(e);`,
      `        break;`,
      `      }`,
    ];
  }
  const s = scalar(f.type, where);
  const read = readExpr(f.type, where);
  if (!f.repeated) return [`      case ${tag(f.id, s.wt)}:`, `        ${prop} = ${read};`, `        break;`];
  const own = `(${prop} === EMPTY_LIST ? (${prop} = freshList()) : ${prop})`;
  const out = [`      case ${tag(f.id, s.wt)}:`, `        ${own}.push(${read});`, `        break;`];
  if (s.packable) {
    out.push(
      `      case ${tag(f.id, 2)}: {`,
      `        const e = r.delimitedEnd();`,
      `        const list = ${own};`,
      `        while (r.pos < e) list.push(${read});`,
      `        r.endAt(e);`,
      `        break;`,
      `      }`,
    );
  }
  return out;
}

function writeScalar(type, id, expr, where) {
  const s = scalar(type, where);
  return `w.tag(${id}, ${s.wt}).${s.read}(${expr})`;
}

function notDefault(type, expr, where) {
  const s = scalar(type, where);
  if (s.long) return `${expr} !== undefined && !isZero64(${expr})`;
  if (type === 'bytes') return `${expr} !== undefined && ${expr}.length > 0`;
  if (type === 'bool') return `${expr} === true`;
  if (s.ts === 'number') return `${expr} !== undefined && ${expr} !== 0`;
  return `${expr} !== undefined && ${expr} !== ''`;
}

function encodeLines(f, where) {
  const prop = `m.${f.name}`;
  if (f.map) {
    const valueIsMsg = !!f.resolvedType;
    const keyNum =
      scalar(f.keyType, where).ts === 'number'
        ? 'Number(k)'
        : f.keyType === 'bool'
          ? "k === 'true'"
          : scalar(f.keyType, where).long
            ? 'k'
            : 'k';
    const valueWrite = valueIsMsg
      ? `ew.tag(2, 2).message((vw) => encode${f.resolvedType.name}(v, vw))`
      : writeScalar(f.type, 2, 'v', where).replace(/^w\./, 'ew.');
    return [
      `  if (${prop} !== undefined) {`,
      `    for (const [k, v] of Object.entries(${prop})) {`,
      `      if (v === undefined) continue;`,
      `      w.tag(${f.id}, 2).message((ew) => {`,
      `        ${writeScalar(f.keyType, 1, keyNum, where).replace(/^w\./, 'ew.')};`,
      `        ${valueWrite};`,
      `      });`,
      `    }`,
      `  }`,
    ];
  }
  if (isMessage(f)) {
    const enc = `encode${f.resolvedType.name}`;
    if (f.repeated)
      return [
        `  if (${prop} !== undefined) for (const v of ${prop}) w.tag(${f.id}, 2).message((mw) => ${enc}(v, mw));`,
      ];
    return [`  if (${prop} !== undefined) { const v = ${prop}; w.tag(${f.id}, 2).message((mw) => ${enc}(v, mw)); }`];
  }
  const s = scalar(f.type, where);
  if (f.repeated) {
    if (s.packable) {
      return [
        `  if (${prop} !== undefined && ${prop}.length > 0) {`,
        `    const v = ${prop};`,
        `    w.tag(${f.id}, 2).message((pw) => { for (const x of v) pw.${s.read}(x); });`,
        `  }`,
      ];
    }
    return [`  if (${prop} !== undefined) for (const v of ${prop}) ${writeScalar(f.type, f.id, 'v', where)};`];
  }
  return [`  if (${notDefault(f.type, prop, where)}) ${writeScalar(f.type, f.id, prop, where)};`];
}

// ---------------------------------------------------------------------------------------------------------------
// Field-selective decoding. pick<T> decodes the fields proto/friendly-fields.json lists for T (nested picked
// messages through their own pick<T>) and hands every other field to the table-driven walk of wire/walk.ts, which
// validates it without building it: nested messages and map entries by their tables, packed lists by reading them,
// anything else as skipTag does. The validation is exactly the full decoder's, so a payload that pick<T> accepts is
// one that decode<T> accepts (and `raw` can be decoded later without throwing).

/** The code of a packed list of this scalar type in the walk tables (wire/walk.ts). */
function packedCode(type, where) {
  const wt = scalar(type, where).wt;
  return wt === 0 ? 'PACKED_VARINT' : wt === 5 ? 'PACKED_FIXED32' : 'PACKED_FIXED64';
}

/**
 * The tables of the validation walk (wire/walk.ts): one per type that pick<T> decoders validate (and per map
 * value kind, a synthetic entry type), each `[field number, code, ...]` for the fields that nest something —
 * messages and map entries (the index of their table), packed lists (a PACKED_* code). Everything else is skipped
 * as its wire type says, exactly as the full decoder's `default: r.skipTag(t)` does.
 */
function walkTables(types, walked) {
  const index = new Map();
  const rows = [];
  for (const t of types) if (walked.has(t.name)) index.set(t.name, rows.push({ name: t.name, cells: [] }) - 1);
  const tableOf = (name) => {
    if (!index.has(name)) throw new Error(`walk tables: ${name} is nested in a walked type but has no table`);
    return index.get(name);
  };
  // A map entry is a message of key (1) and value (2): the value nests a message, or nothing.
  const entryIndex = (f) => {
    const name = f.resolvedType ? `map entry of ${f.resolvedType.name}` : 'map entry of scalars';
    if (!index.has(name)) {
      const cells = f.resolvedType ? [2, tableOf(f.resolvedType.name)] : [];
      index.set(name, rows.push({ name, cells }) - 1);
    }
    return index.get(name);
  };
  for (const t of types) {
    if (!walked.has(t.name)) continue;
    const row = rows[index.get(t.name)];
    for (const f of t.fieldsArray.slice().sort((a, b) => a.id - b.id)) {
      if (f.map) row.cells.push(f.id, entryIndex(f));
      else if (isMessage(f)) row.cells.push(f.id, tableOf(f.resolvedType.name));
      else if (f.repeated && scalar(f.type, t.name).packable) row.cells.push(f.id, packedCode(f.type, t.name));
    }
  }
  return { index, rows };
}

/** The types the generated code needs a pick<T> for, and the types the walk needs tables for (`walks`). */
function selectivePlan(types, methods, friendly, byName) {
  const picks = new Map();
  const pickQueue = [];
  const wantPick = (name, fields) => {
    if (picks.has(name)) return;
    picks.set(name, new Set(fields));
    pickQueue.push(name);
  };
  for (const type of new Set(Object.values(methods))) {
    const t = byName.get(type);
    wantPick(type, friendly[type] ?? (t.fields.common ? ['common'] : []));
  }
  const walks = new Set();
  const walkQueue = [];
  const wantWalk = (name) => {
    if (walks.has(name)) return;
    walks.add(name);
    walkQueue.push(name);
  };
  while (pickQueue.length) {
    const t = byName.get(pickQueue.shift());
    const picked = picks.get(t.name);
    for (const f of t.fieldsArray) {
      if (!f.resolvedType || !(f.resolvedType instanceof protobuf.Type)) continue;
      if (picked.has(f.name) && !f.map) {
        const sub = friendly[f.resolvedType.name];
        if (!sub)
          throw new Error(
            `friendly-fields.json: ${t.name}.${f.name} is picked, list the fields of ${f.resolvedType.name}`,
          );
        wantPick(f.resolvedType.name, sub);
      } else if (!picked.has(f.name)) wantWalk(f.resolvedType.name);
    }
  }
  while (walkQueue.length) {
    const t = byName.get(walkQueue.shift());
    for (const f of t.fieldsArray) if (f.resolvedType instanceof protobuf.Type) wantWalk(f.resolvedType.name);
  }
  return { picks, walks };
}

function emitPick(t, picked, tableIndex, out) {
  const fields = t.fieldsArray.slice().sort((a, b) => a.id - b.id);
  const cases = [];
  for (const f of fields) {
    if (picked.has(`${f.name}[0]`)) {
      // Only the first element is kept; later ones (and a packed list) are validated as the full decoder reads them.
      const s = scalar(f.type, t.name);
      const prop = `m.${f.name}`;
      cases.push(
        `      case ${tag(f.id, s.wt)}:`,
        `        if (${prop} === EMPTY_LIST) (${prop} = freshList()).push(${readExpr(f.type, t.name)});`,
        `        else r.skipTag(t);`,
        `        break;`,
      );
      continue;
    }
    // Fields not picked go to the default case: the walker validates what they nest.
    if (!picked.has(f.name)) continue;
    const lines = decodeCases(f, t.name);
    // Picked nested messages are picked too (map values stay fully decoded).
    cases.push(
      ...(isMessage(f) && !f.map
        ? lines.map((l) => l.replace(`decode${f.resolvedType.name}(`, `pick${f.resolvedType.name}(`))
        : lines),
    );
  }
  const list = [...picked].join(', ').replace(/\[0\]/g, ' (first element)') || 'nothing';
  // The picked fields start as own properties set in one order by a constructor (the rest inherited from the
  // defaults), so every pick<T> result has one hidden class with its fields in-object, whatever the wire order.
  const own = fields.filter((f) => picked.has(f.name) || picked.has(`${f.name}[0]`));
  out.push(`/** The object pick${t.name} fills: picked fields own (one shape), the others inherited defaults. */`);
  out.push(`function ${t.name}$Picked(this: ${t.name}): void {`);
  for (const f of own) out.push(`  this.${f.name} = ${defaultValue(f, t.name)};`);
  out.push('}', `${t.name}$Picked.prototype = ${t.name}$defaults;`, '');
  out.push(
    `/** Decodes only ${list} of \`douyin.${t.name}\` (the rest validated, not built), for the friendly mapping. */`,
  );
  out.push(`function pick${t.name}(r: ProtoReader, end: number): ${t.name} {`);
  out.push('  r.enter();');
  out.push(`  const m = new (${t.name}$Picked as unknown as new () => ${t.name})();`);
  out.push('  while (r.pos < end) {', '    const t = r.uint32();', '    switch (t) {');
  out.push(...cases, '      default:', `        WALKER.skipField(r, t, ${tableIndex});`, '    }', '  }');
  out.push('  r.leave();', `  SHAPES[${shapeSlot(`pick${t.name}`)}] = m;`, '  return m;', '}', '');
}

// Every decoder keeps its last result in SHAPES (one slot each). V8 holds the hidden classes that
// Object.create(defaults) + the field stores build only weakly: a full GC that finds no live object of a shape
// drops it and deoptimizes every function whose optimized code embeds it ('reason: weak objects' in
// --trace-deopt), which a session then pays for after each major GC while its decoders are re-optimized.
const shapeSlots = new Map();
function shapeSlot(fn) {
  if (!shapeSlots.has(fn)) shapeSlots.set(fn, shapeSlots.size);
  return shapeSlots.get(fn);
}

function generate() {
  const { types, methods, friendly, byName } = load();
  const out = [];
  out.push(
    '// @generated by scripts/generate.mjs from proto/douyin.proto and proto/methods.json. DO NOT EDIT.',
    '// Run `npm run generate` after changing the schema.',
    '/* eslint-disable */',
    "import { freshList } from '../wire/freshList.js';",
    "import { ProtoReader } from '../wire/reader.js';",
    "import { ProtoWriter, isZero64 } from '../wire/writer.js';",
    "import type { MessageInit } from '../wire/init.js';",
    'WALK_IMPORTS',
    '',
    'const EMPTY_BYTES = new Uint8Array(0);',
    '// Shared defaults of repeated and map fields; a decoder replaces them with its own on the first element (a',
    '// fresh list: see wire/freshList.ts).',
    'const EMPTY_LIST: never[] = [];',
    'const EMPTY_MAP: Record<string, never> = Object.create(null);',
    '// The last object each decoder returned, which keeps its hidden class alive across full GCs (see generate.mjs).',
    'const SHAPES: (object | undefined)[] = new Array<object | undefined>(SHAPE_COUNT).fill(undefined);',
    '',
  );
  for (const t of types) {
    const fields = t.fieldsArray.slice().sort((a, b) => a.id - b.id);
    const where = t.name;
    const doc = t.comment ? ` ${t.comment.replace(/\s+/g, ' ').trim()}` : '';
    out.push(`/** Wire type \`douyin.${t.name}\`.${doc} */`, `export interface ${t.name} {`);
    for (const f of fields) {
      const fdoc = f.comment ? ` ${f.comment.replace(/\s+/g, ' ').trim()}` : '';
      out.push(`  /** Field ${f.id}.${fdoc} */`, `  ${f.name}: ${tsType(f, where)};`);
    }
    out.push('}', '');
    // Defaults live on a shared prototype, so decoding allocates only the fields present on the wire.
    out.push(`const ${t.name}$defaults: ${t.name} = {`);
    for (const f of fields) out.push(`  ${f.name}: ${defaultValue(f, where)},`);
    out.push('};', '');
    out.push(
      `/** Decodes \`douyin.${t.name}\` from \`r\` up to offset \`end\` (defaults are inherited, present fields own). */`,
    );
    out.push(`export function decode${t.name}(r: ProtoReader, end: number): ${t.name} {`);
    out.push('  r.enter();');
    out.push(`  const m: ${t.name} = Object.create(${t.name}$defaults) as ${t.name};`);
    out.push('  while (r.pos < end) {', '    const t = r.uint32();', '    switch (t) {');
    for (const f of fields) out.push(...decodeCases(f, where));
    out.push('      default:', '        r.skipTag(t);', '    }', '  }');
    out.push('  r.leave();', `  SHAPES[${shapeSlot(`decode${t.name}`)}] = m;`, '  return m;', '}', '');
    out.push(`/** Encodes \`douyin.${t.name}\` into \`w\`; absent and default-valued fields are omitted. */`);
    out.push(`export function encode${t.name}(m: MessageInit<${t.name}>, w: ProtoWriter): void {`);
    for (const f of fields) out.push(...encodeLines(f, where));
    out.push('}', '');
  }
  out.push('/** Every wire type of the schema, by name. */', 'export interface WireTypes {');
  for (const t of types) out.push(`  ${t.name}: ${t.name};`);
  out.push('}', '');
  out.push('/** Decoder and encoder of every wire type, by name. */', 'export const codecs: {');
  out.push('  readonly [K in keyof WireTypes]: {');
  out.push('    readonly decode: (r: ProtoReader, end: number) => WireTypes[K];');
  out.push('    readonly encode: (m: MessageInit<WireTypes[K]>, w: ProtoWriter) => void;');
  out.push('  };', '} = {');
  for (const t of types) out.push(`  ${t.name}: { decode: decode${t.name}, encode: encode${t.name} },`);
  out.push('};', '');
  const sorted = Object.keys(methods).sort();
  out.push('/** The wire type that carries each known `Message.method`. */', 'export const methodTypes = {');
  for (const m of sorted) out.push(`  ${m}: '${methods[m]}',`);
  out.push('} as const satisfies Record<string, keyof WireTypes>;', '');
  out.push('/** A known `Message.method` name. */', 'export type KnownMethod = keyof typeof methodTypes;', '');
  out.push('/** The decoded wire object of each known method. */', 'export type MethodWireMap = {');
  out.push('  [M in KnownMethod]: WireTypes[(typeof methodTypes)[M]];', '};', '');
  const { picks, walks } = selectivePlan(types, methods, friendly, byName);
  const { index, rows } = walkTables(types, new Set([...picks.keys(), ...walks]));
  out.push(
    '/**',
    ' * The validation walk of every field a pick<T> decoder does not decode: per type (by index), the fields that nest',
    ' * a message (its index here) or a packed list, as `[field number, code, ...]`; see wire/walk.ts.',
    ' */',
    'const WALKER = new WireWalker([',
  );
  rows.forEach((row, i) => out.push(`  /* ${i} ${row.name} */ [${row.cells.join(', ')}],`));
  out.push(']);', '');
  const codes = new Set(rows.flatMap((row) => row.cells.filter((c) => typeof c === 'string')));
  out[out.indexOf('WALK_IMPORTS')] =
    `import { ${[...codes].sort().concat('WireWalker').join(', ')} } from '../wire/walk.js';`;
  for (const t of types) if (picks.has(t.name)) emitPick(t, picks.get(t.name), index.get(t.name), out);
  out.push(
    '/**',
    ' * The field-selective decoder of each known method: the fields proto/friendly-fields.json lists, every other',
    ' * field validated but not built (other fields read as their defaults). Throws as the full decoder would.',
    ' */',
    'export const methodPickers: { readonly [M in KnownMethod]: (r: ProtoReader, end: number) => MethodWireMap[M] } = {',
  );
  for (const m of sorted) out.push(`  ${m}: pick${methods[m]},`);
  out.push('};', '');
  return out.join('\n').replace('(SHAPE_COUNT)', `(${shapeSlots.size})`);
}

const code = generate();
const target = join(outDir, 'douyin.ts');
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing counts as different */
  }
  if (current !== code) {
    console.error('packages/core/src/gen/douyin.ts is out of date with proto/: run `npm run generate` and commit it.');
    process.exit(1);
  }
  console.log('generated code is up to date');
} else {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(target, code);
  console.log(`wrote ${target} (${code.split('\n').length} lines)`);
}
