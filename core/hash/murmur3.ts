/**
 * MurmurHash3 (x86, 32-bit) over the UTF-16 code units of a string, two per block. Several independent
 * lanes (one seed each) give wider fingerprints: {@link murmur3Lanes} computes them in one pass.
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

/**
 * Writes `seeds.length` MurmurHash3 lanes of `s` into `out[0..]` as int32 (lane i is `murmur3(s, seeds[i])`
 * reinterpreted as signed), reading the string once. Two to four lanes: 64 to 128-bit fingerprints.
 */
export function murmur3Lanes(s: string, seeds: Uint32Array, out: Int32Array): void {
  const lanes = seeds.length;
  if (lanes === 2) {
    let h0 = seeds[0]!;
    let h1 = seeds[1]!;
    const len = s.length;
    let i = 0;
    for (; i + 1 < len; i += 2) {
      const k = mixKey((s.charCodeAt(i) & 0xffff) | (s.charCodeAt(i + 1) << 16));
      h0 = mixHash(h0, k);
      h1 = mixHash(h1, k);
    }
    if (i < len) {
      const k = mixTail(s.charCodeAt(i));
      h0 ^= k;
      h1 ^= k;
    }
    out[0] = finish(h0, len);
    out[1] = finish(h1, len);
    return;
  }
  if (lanes === 4) {
    let h0 = seeds[0]!;
    let h1 = seeds[1]!;
    let h2 = seeds[2]!;
    let h3 = seeds[3]!;
    const len = s.length;
    let i = 0;
    for (; i + 1 < len; i += 2) {
      const k = mixKey((s.charCodeAt(i) & 0xffff) | (s.charCodeAt(i + 1) << 16));
      h0 = mixHash(h0, k);
      h1 = mixHash(h1, k);
      h2 = mixHash(h2, k);
      h3 = mixHash(h3, k);
    }
    if (i < len) {
      const k = mixTail(s.charCodeAt(i));
      h0 ^= k;
      h1 ^= k;
      h2 ^= k;
      h3 ^= k;
    }
    out[0] = finish(h0, len);
    out[1] = finish(h1, len);
    out[2] = finish(h2, len);
    out[3] = finish(h3, len);
    return;
  }
  for (let lane = 0; lane < lanes; lane++) out[lane] = murmur3(s, seeds[lane]!);
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
