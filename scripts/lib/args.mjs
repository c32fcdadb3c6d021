// Command-line options of the bench scripts that compare checkouts (bench-rooms, bench-replay).
import { resolve } from 'node:path';

/** `option(name, fallback)` over `args`: the value after `name`, `fallback` when absent; a name without a value throws. */
export function optionsOf(args) {
  return (name, fallback) => {
    const i = args.indexOf(name);
    if (i === -1) return fallback;
    const value = args[i + 1];
    if (value === undefined) throw new Error(`${name} needs a value`);
    return value;
  };
}

/** The checkouts named by `--project A,B` (repository roots, resolved), `self` when the option is absent. */
export function projectsOf(option, self) {
  return option('--project', self)
    .split(',')
    .filter(Boolean)
    .map((p) => resolve(p));
}
