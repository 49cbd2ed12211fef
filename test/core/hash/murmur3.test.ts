import { describe, expect, it } from 'vitest';
import { murmur3 } from '#core/hash/murmur3';

/** The reference MurmurHash3_x86_32 over bytes, written from the algorithm's description. */
function referenceMurmur3(bytes: Uint8Array, seed: number): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = Math.floor(bytes.length / 4);
  for (let b = 0; b < blocks; b++) {
    const i = b * 4;
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  const rest = bytes.length & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= bytes[tail + 2]! << 16;
    if (rest >= 2) k ^= bytes[tail + 1]! << 8;
    k ^= bytes[tail]!;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

describe('murmur3', () => {
  it('the reference gives the published MurmurHash3_x86_32 test vectors', () => {
    const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
    expect(referenceMurmur3(bytes(''), 0)).toBe(0);
    expect(referenceMurmur3(bytes(''), 1)).toBe(0x514e28b7);
    expect(referenceMurmur3(bytes(''), 0xffffffff)).toBe(0x81f16f39);
    expect(referenceMurmur3(bytes('aaaa'), 0x9747b28c)).toBe(0x5a97808a);
    expect(referenceMurmur3(bytes('Hello, world!'), 0x9747b28c)).toBe(0x24884cba);
    expect(referenceMurmur3(bytes('The quick brown fox jumps over the lazy dog'), 0x9747b28c)).toBe(
      0x2fa826cd,
    );
  });

  it('hashes the UTF-16LE bytes of a string, odd and even lengths, any code unit', () => {
    const samples = [
      '',
      'a',
      'ab',
      'abc',
      'device_17\u001ereading',
      '日本語のテキスト',
      'lone \ud800',
      '😀x',
    ];
    for (const s of samples) {
      for (const seed of [0, 1, 0x9747b28c, 0xffffffff]) {
        expect(murmur3(s, seed), `${JSON.stringify(s)} seed ${seed}`).toBe(
          referenceMurmur3(new Uint8Array(Buffer.from(s, 'utf16le')), seed),
        );
      }
    }
  });
});
