import { describe, expect, it } from 'vitest';
import { halfSipHash64 } from '../../src/storage/halfsiphash';

/**
 * The reference test vectors of HalfSipHash-2-4 with 8-byte output (key bytes 00..07, message bytes
 * 00..i-1), as published with the algorithm; those of even length, since a string is hashed as UTF-16LE.
 */
const vectors: Record<number, string> = {
  0: '218d1f59b9b83cc8',
  2: '064f39ef7c50eb57',
  4: 'd5e78a175be52ea1',
  6: 'ce3e91358aa2bc25',
  8: 'edfee820bce4858c',
  10: '95b0469f06a6f2ee',
  12: '7bc71f9faef5c799',
  14: '3bb1a870eae8e658',
  16: '7336aad25f7bf3b5',
  18: 'c9b2db2b9a3e42f9',
  20: '1bf52b0a6feea7db',
  22: 'e20103fa1ba776ef',
  24: '70741045ae3fa6f1',
  26: '0d899ed8112923f0',
};

/** The message bytes 00..n-1 as the string whose UTF-16LE bytes they are. */
function messageOf(n: number): string {
  let s = '';
  for (let i = 0; i < n; i += 2) s += String.fromCharCode(i | ((i + 1) << 8));
  return s;
}

function hex(out: Int32Array): string {
  const bytes = Buffer.alloc(8);
  bytes.writeInt32LE(out[0]!, 0);
  bytes.writeInt32LE(out[1]!, 4);
  return bytes.toString('hex');
}

describe('halfSipHash64', () => {
  const k0 = 0x03020100;
  const k1 = 0x07060504;

  it.each(Object.entries(vectors))('gives the reference output for %s message bytes', (n, expected) => {
    const out = new Int32Array(2);
    halfSipHash64(messageOf(Number(n)), k0, k1, out, 0);
    expect(hex(out)).toBe(expected);
  });

  it('hashes a trailing code unit, and depends on the key and every code unit', () => {
    const at = (s: string, a = k0, b = k1) => {
      const out = new Int32Array(4);
      halfSipHash64(s, a, b, out, 2);
      expect([out[0], out[1]]).toEqual([0, 0]);
      return hex(out.subarray(2));
    };
    const seen = new Set([
      at('abc'),
      at('abd'),
      at('bbc'),
      at('ab'),
      at('abc\u0000'),
      at('abc', k0 ^ 1),
      at('abc', k0, k1 ^ 1),
    ]);
    expect(seen.size).toBe(7);
    expect(at('日本語')).toBe(at('日本語'));
  });
});
