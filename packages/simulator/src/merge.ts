/** Helper of the one options merge of each options type. */

/** An options object without explicit `undefined`s. */
export type Defined<T> = { [K in keyof T]?: Exclude<T[K], undefined> };

/** Drops keys whose value is `undefined`, so an explicit `undefined` does not override a default. */
export function definedOnly<T extends object>(value: T): Defined<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Defined<T>;
}
