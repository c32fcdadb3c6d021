/** The input shape of a generated encoder: every field optional, recursively (64-bit fields are decimal strings). */
export type MessageInit<T> = { [K in keyof T]?: FieldInit<T[K]> | undefined };

/** The input shape of one field. */
export type FieldInit<V> = V extends Uint8Array
  ? Uint8Array
  : V extends string
    ? string
    : V extends readonly (infer U)[]
      ? FieldInit<U>[]
      : V extends object
        ? MessageInit<V>
        : V;
