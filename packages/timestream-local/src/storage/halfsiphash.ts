/**
 * HalfSipHash-2-4 with a 64-bit output (Aumasson and Bernstein's SipHash family, 32-bit words): a keyed
 * pseudo-random function. Unlike MurmurHash3, whose collisions can be made whatever its seed, finding two
 * inputs with the same output takes ~2^32 work without the key and cannot be aimed at an unknown key, so it
 * suits fingerprints of keys that clients choose. A string is hashed as its UTF-16LE bytes.
 */

const rotl = (x: number, b: number) => (x << b) | (x >>> (32 - b));

/** The four state words, between the steps of one hash (a hash runs to its end without yielding). */
const v = new Int32Array(4);

/** `n` SipRounds of HalfSipHash on the state. */
function sipRounds(n: number): void {
  let v0 = v[0]!;
  let v1 = v[1]!;
  let v2 = v[2]!;
  let v3 = v[3]!;
  for (let r = 0; r < n; r++) {
    v0 = (v0 + v1) | 0;
    v1 = rotl(v1, 5) ^ v0;
    v0 = rotl(v0, 16);
    v2 = (v2 + v3) | 0;
    v3 = rotl(v3, 8) ^ v2;
    v0 = (v0 + v3) | 0;
    v3 = rotl(v3, 7) ^ v0;
    v2 = (v2 + v1) | 0;
    v1 = rotl(v1, 13) ^ v2;
    v2 = rotl(v2, 16);
  }
  v[0] = v0;
  v[1] = v1;
  v[2] = v2;
  v[3] = v3;
}

/** Absorbs one 32-bit little-endian message word (2 compression rounds). */
function absorb(m: number): void {
  v[3]! ^= m;
  sipRounds(2);
  v[0]! ^= m;
}

/**
 * Writes HalfSipHash-2-4-64 of the UTF-16LE bytes of `s` under the 64-bit key (`k0`, `k1`: its two
 * little-endian 32-bit halves) into `out[at]` (low word) and `out[at + 1]` (high word), as int32.
 */
export function halfSipHash64(s: string, k0: number, k1: number, out: Int32Array, at: number): void {
  v[0] = k0;
  v[1] = k1 ^ 0xee;
  v[2] = 0x6c796765 ^ k0;
  v[3] = 0x74656462 ^ k1;
  const len = s.length;
  const end = len & ~1;
  for (let i = 0; i < end; i += 2) absorb((s.charCodeAt(i) & 0xffff) | (s.charCodeAt(i + 1) << 16));
  // the last word: the byte length's low byte on top, a trailing code unit (2 bytes) at the bottom
  absorb((((len * 2) & 0xff) << 24) | (end < len ? s.charCodeAt(end) & 0xffff : 0));
  v[2]! ^= 0xee;
  sipRounds(4);
  out[at] = v[1]! ^ v[3]!;
  v[1]! ^= 0xdd;
  sipRounds(4);
  out[at + 1] = v[1]! ^ v[3]!;
}
