/** A small seeded PRNG, so scenarios are reproducible without depending on `Math.random`. */

/** A source of uniform numbers in `[0, 1)`. */
export type Random = () => number;

/** mulberry32: a 32-bit state PRNG; the same seed gives the same sequence on every platform. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in `[min, max]` (inclusive). */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * How many events of a Poisson-like process with `expected` mean happen in one tick: the integer part, plus one
 * more with the fractional part as probability (cheap, deterministic and exact on average).
 */
export function countFor(random: Random, expected: number): number {
  const whole = Math.floor(expected);
  return whole + (random() < expected - whole ? 1 : 0);
}
