import { getRandomValues } from 'node:crypto';
import { murmur3 } from '../hash/murmur3';

/*
 * 96-bit fingerprints of dedupe keys, for the recent-key cache and the in-batch check: compared as three
 * int32 words instead of as strings.
 */

/** Seeds of the hashed fingerprints, random per process so that no one can craft keys that collide. */
const seeds = getRandomValues(new Uint32Array(3));

/**
 * Writes the 96-bit fingerprint of `key` into `fp[0..2]` (`fp[0]` is never 0, which marks an empty table
 * slot). A content key (`h:` and base64url) is a 128-bit hash already: 96 of its bits are the fingerprint,
 * read with one table lookup per character. Any other key is hashed with three MurmurHash3 lanes under the
 * random seeds.
 */
export function keyFingerprint(key: string, fp: Int32Array): void {
  // A content key is a 128-bit hash already: 96 of its bits are the fingerprint, no hashing needed.
  if (key.length >= 18 && key.charCodeAt(0) === 104 /* h */ && key.charCodeAt(1) === 58 /* : */) {
    const c2 = key.charCodeAt(2);
    const c3 = key.charCodeAt(3);
    const c4 = key.charCodeAt(4);
    const c5 = key.charCodeAt(5);
    const c6 = key.charCodeAt(6);
    const c7 = key.charCodeAt(7);
    const c8 = key.charCodeAt(8);
    const c9 = key.charCodeAt(9);
    const c10 = key.charCodeAt(10);
    const c11 = key.charCodeAt(11);
    const c12 = key.charCodeAt(12);
    const c13 = key.charCodeAt(13);
    const c14 = key.charCodeAt(14);
    const c15 = key.charCodeAt(15);
    const c16 = key.charCodeAt(16);
    const c17 = key.charCodeAt(17);
    const any = c2 | c3 | c4 | c5 | c6 | c7 | c8 | c9 | c10 | c11 | c12 | c13 | c14 | c15 | c16 | c17;
    if (any < 128) {
      const t = base64url;
      const v17 = t[c17]!;
      const a = (t[c2]! << 24) | (t[c3]! << 18) | (t[c4]! << 12) | (t[c5]! << 6) | t[c6]!;
      const b = (t[c7]! << 24) | (t[c8]! << 18) | (t[c9]! << 12) | (t[c10]! << 6) | t[c11]!;
      const c = (t[c12]! << 24) | (t[c13]! << 18) | (t[c14]! << 12) | (t[c15]! << 6) | t[c16]!;
      // Every value is 0..63, or -1 for a character outside base64url (which makes the OR negative).
      if ((a | b | c | v17) >= 0) {
        // Three runs of 5 characters (30 bits each) and a 16th character folded into the middle word: ~92 bits.
        fp[0] = a | 1; // never all-zero: zero marks an empty slot
        fp[1] = b ^ (v17 << 26);
        fp[2] = c;
        return;
      }
    }
  }
  fp[0] = murmur3(key, seeds[0]!) | 1;
  fp[1] = murmur3(key, seeds[1]!);
  fp[2] = murmur3(key, seeds[2]!);
}

/** base64url character code -> its 6-bit value; -1 for any other code below 128. */
const base64url = new Int32Array(128).fill(-1);
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries())
  base64url[c.charCodeAt(0)] = i;
