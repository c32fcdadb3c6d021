// The lists a frame's decode fills must come from freshList (wire/freshList.ts), never from an array literal: V8
// may pretenure a literal's allocation site for good after a burst of joins, and every later frame's lists (and all
// they hold) would then outlive their frame until a full GC. Where V8 puts an object is not something a test can
// provoke reliably (the decision depends on heap state and tiering), so this checks the code that allocates them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SRC = join(__dirname, '..', '..', 'packages', 'core', 'src');
const read = (path: string) => readFileSync(join(SRC, path), 'utf8');

/**
 * Array allocations in code: a `[` where an expression starts (after `=`, `(`, `,`, `:`, `?` or `return`; an index
 * follows a name or a bracket instead) and `new Array`. Comments are left out.
 */
function arrayAllocations(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return [...code.matchAll(/(?:[=(,:?]|\breturn)\s*\[[^;\n]{0,12}|new Array\b/g)].map((m) => m[0]);
}

describe('the lists of a decoded frame', () => {
  it('come from freshList in every generated decoder and picker', () => {
    const generated = read('gen/douyin.ts');
    const bodies = [...generated.matchAll(/^export function (?:decode|pick)\w+\([\s\S]*?^}$/gm)].map((m) => m[0]);
    expect(bodies.length).toBeGreaterThan(300);
    const offending = bodies.flatMap((body) => arrayAllocations(body).map((a) => `${body.slice(16, 60)}: ${a}`));
    expect(offending).toEqual([]);
    expect(bodies.filter((body) => body.includes('freshList()')).length).toBeGreaterThan(100);
  });

  it.each(['pipeline/decodeFrames.ts', 'pipeline/toMessages.ts'])('come from freshList in %s', (path) => {
    const source = read(path);
    expect(source).toContain('freshList()');
    // Module-level constants are made once, not per frame.
    expect(arrayAllocations(source.replace(/^const .*$/gm, ''))).toEqual([]);
  });

  it('finds the allocations it looks for', () => {
    const sample = 'm.a = []; f([x]); return [1]; const b = c ? [] : d; new Array(3); m.a[i] = 1';
    expect(arrayAllocations(sample)).toEqual(['= []', '([x])', 'return [1]', '? [] : d', 'new Array']);
  });
});
