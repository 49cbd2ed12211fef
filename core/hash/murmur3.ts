/**
 * MurmurHash3 (x86, 32-bit) over the UTF-16 code units of a string, two per block: fast, not keyed. Its
 * collisions can be made whatever the seed, so use it where inputs are not chosen by someone who gains from
 * a collision (see halfsiphash.ts otherwise).
 */

/** MurmurHash3 (x86, 32-bit) of `s` under `seed`, as an unsigned 32-bit number. */
export function murmur3(s: string, seed: number): number {
  let h = seed;
  const len = s.length;
  let i = 0;
  for (; i + 1 < len; i += 2) {
    h = mixBlock(h, (s.charCodeAt(i) & 0xffff) | (s.charCodeAt(i + 1) << 16));
  }
  if (i < len) h ^= mixTail(s.charCodeAt(i));
  return finish(h, len) >>> 0;
}

function mixKey(block: number): number {
  let k = Math.imul(block, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

function mixHash(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

const mixBlock = (h: number, block: number) => mixHash(h, mixKey(block));

const mixTail = (code: number) => mixKey(code);

function finish(h: number, len: number): number {
  h ^= len * 2;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}
