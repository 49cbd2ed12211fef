/** A seeded pseudo-random source: `next()` in [0, 1). */
export interface Random {
  next(): number;
  /** A whole number in [0, n). */
  int(n: number): number;
  /** A number in [min, max). */
  between(min: number, max: number): number;
}

/**
 * mulberry32: a small, fast 32-bit PRNG, good enough for simulated sensor noise (not for secrets). The same
 * seed always gives the same sequence, which is what makes a simulation repeatable.
 */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    between: (min, max) => min + next() * (max - min),
  };
}

/**
 * Mixes whole numbers into one 32-bit seed (murmur3's finaliser over each part), so that any (seed, device,
 * sequence) triple gets its own independent stream: readings can be generated in any order, or again.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    // Split so that numbers above 2^32 (e.g. time slots in ms) still count in full.
    for (const word of [part >>> 0, Math.floor(part / 4294967296) >>> 0]) {
      h ^= word;
      h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
      h ^= h >>> 16;
    }
  }
  return h >>> 0;
}

/** A {@link Random} for the given parts (see {@link mixSeed}). */
export const randomFor = (...parts: number[]): Random => mulberry32(mixSeed(...parts));
