/**
 * HalfSipHash-2-4 with a 64-bit output (Aumasson and Bernstein's SipHash family, 32-bit words): a keyed
 * pseudo-random function. Unlike MurmurHash3, whose collisions can be made whatever its seed, finding two
 * inputs with the same output takes ~2^32 work without the key and cannot be aimed at an unknown key, so it
 * suits fingerprints of keys that clients choose. A string is hashed as its UTF-16LE bytes.
 */

const rotl = (x: number, b: number) => (x << b) | (x >>> (32 - b));

/**
 * Writes HalfSipHash-2-4-64 of the UTF-16LE bytes of `s` under the 64-bit key (`k0`, `k1`: its two
 * little-endian 32-bit halves) into `out[at]` (low word) and `out[at + 1]` (high word), as int32.
 */
export function halfSipHash64(s: string, k0: number, k1: number, out: Int32Array, at: number): void {
  let v0 = k0 | 0;
  let v1 = k1 ^ 0xee;
  let v2 = 0x6c796765 ^ k0;
  let v3 = 0x74656462 ^ k1;
  const len = s.length;
  const end = len & ~1;
  for (let i = 0; i < end; i += 2) {
    const m = (s.charCodeAt(i) & 0xffff) | (s.charCodeAt(i + 1) << 16);
    v3 ^= m;
    for (let r = 0; r < 2; r++) {
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
    v0 ^= m;
  }
  // the last block: the byte length's low byte on top, a trailing code unit (2 bytes) at the bottom
  const b = (((len * 2) & 0xff) << 24) | (end < len ? s.charCodeAt(end) & 0xffff : 0);
  v3 ^= b;
  for (let r = 0; r < 2; r++) {
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
  v0 ^= b;
  v2 ^= 0xee;
  for (let r = 0; r < 4; r++) {
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
  out[at] = v1 ^ v3;
  v1 ^= 0xdd;
  for (let r = 0; r < 4; r++) {
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
  out[at + 1] = v1 ^ v3;
}
