import { getRandomValues } from 'node:crypto';
import { halfSipHash64 } from './halfsiphash';

/** Keys of the fingerprints (HalfSipHash), random per process: collisions cannot be aimed at them. */
const secret = getRandomValues(new Int32Array(6));

/** The 128-bit fingerprint of a row key: two HalfSipHash-64 under two keys. */
function keyFingerprint(key: string, out: Int32Array): void {
  halfSipHash64(key, secret[0]!, secret[1]!, out, 0);
  halfSipHash64(key, secret[2]!, secret[3]!, out, 2);
}

/** The 64-bit fingerprint of a value's canonical text. */
function valueFingerprint(text: string, out: Int32Array): void {
  halfSipHash64(text, secret[4]!, secret[5]!, out, 0);
}

/** Slot layout, in 32-bit words: key fingerprint (4), value fingerprint (2), version (f64), day, unused. */
const slotWords = 10;
const versionWord = 6;
const dayWord = 8;

/** Most slots used, as a share of all, before the table doubles (linear probing stays short below ~0.7). */
const maxLoad = 0.7;

/** What the index holds for a key. */
export interface IndexedRow {
  /** the row's Version */
  readonly version: number;
  /** whether `fingerprint` (a record's value fingerprint) matches the row's */
  sameValue(fingerprint: string): boolean;
}

/**
 * The upsert index of a table: for each stored row's key (time, measure name, dimensions), its Version and
 * a fingerprint of its value(s), as the WriteRecords rules need them. An open-addressing hash table in one
 * ArrayBuffer, off the JavaScript heap: 40 bytes a slot (at least 1.43 slots a row) and nothing for the
 * garbage collector to trace, where a Map of strings and objects cost ~300 bytes a row and most of a
 * writer's CPU time in GC. Each row carries its UTC day (days since the epoch), so that whole days can be
 * dropped (retention, or days no longer written to).
 *
 * Keys are held as 128-bit fingerprints (HalfSipHash-2-4, a keyed pseudo-random function, under keys drawn
 * at random per process): with a billion rows the odds of any two keys colliding are about 1 in 10^20, and
 * as the keys are secret nobody can choose inputs that collide. Values are compared by a 64-bit
 * fingerprint of their canonical text: a different value is taken for the same with odds of 1 in
 * 1.8 * 10^19 per rewrite of an existing row.
 */
export class UpsertIndex {
  private words: Int32Array;
  private floats: Float64Array;
  private mask: number;
  private count = 0;
  private readonly keyFp = new Int32Array(4);
  private readonly valueFp = new Int32Array(2);
  /** slot of the last successful lookup, for {@link IndexedRow.sameValue} */
  private found = -1;
  private readonly row: IndexedRow;

  constructor(capacity = 65_536) {
    let slots = 16;
    while (slots * maxLoad < capacity) slots *= 2;
    this.words = new Int32Array(slots * slotWords);
    this.floats = new Float64Array(this.words.buffer);
    this.mask = slots - 1;
    const index = this;
    this.row = {
      get version() {
        return index.floats[(index.found * slotWords + versionWord) / 2]!;
      },
      sameValue(fingerprint: string): boolean {
        valueFingerprint(fingerprint, index.valueFp);
        const at = index.found * slotWords;
        return index.words[at + 4] === index.valueFp[0] && index.words[at + 5] === index.valueFp[1];
      },
    };
  }

  /** Rows held. */
  get size(): number {
    return this.count;
  }

  /**
   * The row held for `key`, or undefined. The returned view is reused: read it before the next call on
   * this index.
   */
  get(key: string): IndexedRow | undefined {
    keyFingerprint(key, this.keyFp);
    const slot = this.find(this.keyFp);
    if (slot < 0) return undefined;
    this.found = slot;
    return this.row;
  }

  /** Holds (or replaces) the row of `key`, whose time is on UTC day `day` (days since the epoch). */
  set(key: string, version: number, fingerprint: string, day: number): void {
    keyFingerprint(key, this.keyFp);
    this.setFingerprinted(this.keyFp, 0, version, fingerprint, day);
  }

  /**
   * Copies the fingerprint of the key of the last {@link get} to `out[at..at + 3]`: a later
   * {@link setFingerprinted} of that key then does not hash it again.
   */
  copyLastKey(out: Int32Array, at: number): void {
    out.set(this.keyFp, at);
  }

  /** {@link set} for a key whose fingerprint is at `keyFp[at..at + 3]` (from {@link copyLastKey}). */
  setFingerprinted(keyFp: Int32Array, at: number, version: number, fingerprint: string, day: number): void {
    valueFingerprint(fingerprint, this.valueFp);
    this.put(keyFp, at, this.valueFp[0]!, this.valueFp[1]!, version, day);
  }

  /** Drops the rows of the days for which `drop` is true; rebuilds the table (O(rows held)). */
  dropDays(drop: (day: number) => boolean): void {
    const old = this.words;
    const slots = this.mask + 1;
    this.words = new Int32Array(old.length);
    this.floats = new Float64Array(this.words.buffer);
    this.count = 0;
    const w = this.words;
    for (let s = 0; s < slots; s++) {
      const from = s * slotWords;
      if (old[from] === 0 || drop(old[from + dayWord]!)) continue;
      this.count++;
      let slot = old[from + 1]! & this.mask;
      while (w[slot * slotWords] !== 0) slot = (slot + 1) & this.mask;
      copySlot(old, from, w, slot * slotWords);
    }
  }

  private find(fp: Int32Array, from = 0): number {
    const w = this.words;
    const k0 = fp[from]! | 1;
    const k1 = fp[from + 1]!;
    const k2 = fp[from + 2]!;
    const k3 = fp[from + 3]!;
    for (let s = k1 & this.mask; ; s = (s + 1) & this.mask) {
      const at = s * slotWords;
      const a = w[at]!;
      if (a === 0) return -1;
      if (a === k0 && w[at + 1] === k1 && w[at + 2] === k2 && w[at + 3] === k3) return s;
    }
  }

  private put(fp: Int32Array, from: number, v0: number, v1: number, version: number, day: number): void {
    let slot = this.find(fp, from);
    if (slot < 0) {
      if (this.count + 1 > (this.mask + 1) * maxLoad) this.grow();
      const w = this.words;
      slot = fp[from + 1]! & this.mask;
      while (w[slot * slotWords] !== 0) slot = (slot + 1) & this.mask;
      const at = slot * slotWords;
      w[at] = fp[from]! | 1; // never 0: 0 marks an empty slot
      w[at + 1] = fp[from + 1]!;
      w[at + 2] = fp[from + 2]!;
      w[at + 3] = fp[from + 3]!;
      this.count++;
    }
    const at = slot * slotWords;
    this.words[at + 4] = v0;
    this.words[at + 5] = v1;
    this.floats[(at + versionWord) / 2] = version;
    this.words[at + dayWord] = day;
  }

  private grow(): void {
    const old = this.words;
    const slots = this.mask + 1;
    this.words = new Int32Array(slots * 2 * slotWords);
    this.floats = new Float64Array(this.words.buffer);
    this.mask = slots * 2 - 1;
    const w = this.words;
    for (let s = 0; s < slots; s++) {
      const from = s * slotWords;
      if (old[from] === 0) continue;
      let slot = old[from + 1]! & this.mask;
      while (w[slot * slotWords] !== 0) slot = (slot + 1) & this.mask;
      copySlot(old, from, w, slot * slotWords);
    }
  }
}

/** Copies one slot's words (a loop: a subarray per slot would cost an allocation each). */
function copySlot(from: Int32Array, at: number, to: Int32Array, into: number): void {
  for (let k = 0; k < slotWords; k++) to[into + k] = from[at + k]!;
}
