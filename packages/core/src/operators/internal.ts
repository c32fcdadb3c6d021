/**
 * Helpers shared by the bot operators: argument checks and a bounded id memory. Internal: nothing here is
 * exported from the package.
 */
import { DouyinLiveError, ErrorCodes } from '../errors.js';

/** Throws `INVALID_ARGUMENT` unless `value` is a non-negative number of milliseconds (Infinity allowed). */
export function checkDuration(operator: string, name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw new DouyinLiveError(
      ErrorCodes.INVALID_ARGUMENT,
      `${operator}: ${name} must be a non-negative number of ms, got ${String(value)}`,
      { operator, option: name, value },
    );
  }
  return value;
}

/** Throws `INVALID_ARGUMENT` unless `value` is a positive integer (or Infinity, meaning unbounded). */
export function checkCount(operator: string, name: string, value: number, min = 1): number {
  const valid = value === Infinity || (Number.isInteger(value) && value >= min);
  if (!valid) {
    throw new DouyinLiveError(
      ErrorCodes.INVALID_ARGUMENT,
      `${operator}: ${name} must be an integer >= ${min} (or Infinity), got ${String(value)}`,
      { operator, option: name, value },
    );
  }
  return value;
}

export { RecentIds } from '../util/recentIds.js';

/**
 * Merges caller options over a defaults object; `undefined` means "use the default", so callers can forward
 * optional values without spreading conditionally.
 */
export function withDefaults<D extends object>(
  defaults: D,
  options: { readonly [K in keyof D]?: D[K] | undefined },
): D {
  const merged = { ...defaults };
  for (const key of Object.keys(options) as (keyof D)[]) {
    const value = options[key];
    if (value !== undefined) merged[key] = value as D[keyof D];
  }
  return merged;
}

/** An options interface with every field present and defined: what an operator works with after the merge. */
export type Resolved<O> = { readonly [K in keyof O]-?: Exclude<O[K], undefined> };
