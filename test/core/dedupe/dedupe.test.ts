import { describe, expect, it } from 'vitest';
import { DuplicateOf, dedupe, dedupeKey, RecentKeys } from '#core/dedupe';
import { readingFactory } from '../../helpers/readings';

describe('dedupeKey', () => {
  it('uses the device, the messageId and the time when a messageId is given, each string length-prefixed', () => {
    const t = readingFactory().timeMs;
    expect(dedupeKey(readingFactory({ messageId: 'm-1' }))).toBe(`m:8:device_13:m-1@${t}`);
    expect(dedupeKey(readingFactory({ deviceId: 'device_2', messageId: 'm-1' }))).toBe(
      `m:8:device_23:m-1@${t}`,
    );
    expect(dedupeKey(readingFactory({ messageId: 'm-1', timeSubMsNanos: 5 }))).toBe(
      `m:8:device_13:m-1@${t}.5`,
    );
  });

  it('never gives two (device, messageId, time) triples the same key', () => {
    const t = readingFactory().timeMs;
    const keys = [
      readingFactory({ deviceId: 'sensor:7', messageId: '42' }),
      readingFactory({ deviceId: 'sensor', messageId: '7:42' }),
      readingFactory({ deviceId: 'sensor:7:4', messageId: '2' }),
      readingFactory({ deviceId: 'sensor', messageId: `42@${t}` }),
      readingFactory({ deviceId: 'sensor', messageId: '42', timeMs: t + 1 }),
      readingFactory({ deviceId: 'sensor', messageId: '42', timeSubMsNanos: 1 }),
      readingFactory({ deviceId: 'sensor', messageId: '42' }),
    ].map(dedupeKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('hashes a canonical encoding that does not depend on field order', () => {
    const a = readingFactory({
      dimensions: { prefecture: 'Tokyo', room: 'A"1' },
      measures: { co2: { value: 652, unit: 'ppm' }, humidity: { value: 40.4, unit: 'percent' } },
    });
    const b = readingFactory({
      dimensions: { room: 'A"1', prefecture: 'Tokyo' },
      measures: { humidity: { value: 40.4, unit: 'percent' }, co2: { value: 652, unit: 'ppm' } },
    });
    expect(dedupeKey(b)).toBe(dedupeKey(a));
    expect(dedupeKey(a)).toMatch(/^h:[A-Za-z0-9_-]{22}$/);
    // The same reading again (a new object) gives the same key, whatever was hashed in between.
    dedupeKey(readingFactory({ deviceId: 'device_9' }));
    expect(dedupeKey(structuredClone(a))).toBe(dedupeKey(a));
  });

  it('encodes non-ASCII and long values, and treats -0 as 0', () => {
    const long = readingFactory({ dimensions: { room: 'é'.repeat(3000) } });
    expect(dedupeKey(long)).not.toBe(dedupeKey(readingFactory({ dimensions: { room: 'e'.repeat(3000) } })));
    expect(dedupeKey(long)).not.toBe(dedupeKey(readingFactory({ dimensions: { room: 'é'.repeat(2999) } })));
    // Characters above U+00FF switch a string to two code units per word; its key is still stable and distinct.
    const wide = (room: string) => dedupeKey(readingFactory({ dimensions: { room } }));
    const wideKeys = ['会議室', '会議', '会議室1', 'a会', '\u0100', '\u0000\u0001', 'A', ''].map(wide);
    expect(new Set(wideKeys).size).toBe(wideKeys.length);
    expect(wide(`${'会議'}室`)).toBe(wideKeys[0]);
    const zero = (value: number) => readingFactory({ measures: { co2: { value, unit: 'ppm' } } });
    expect(dedupeKey(zero(-0))).toBe(dedupeKey(zero(0)));
  });

  it('keeps field boundaries: moving characters between adjacent strings changes the key', () => {
    const keys = new Set(
      [
        readingFactory({ dimensions: { ab: 'c' } }),
        readingFactory({ dimensions: { a: 'bc' } }),
        readingFactory({ deviceId: 'device_1a', dimensions: { b: 'c' } }),
        readingFactory({ measures: { co2: { value: 1, unit: 'ppm' } } }),
        readingFactory({ measures: { co2: { value: 1, unit: 'pp' } } }),
        readingFactory({ measures: { co: { value: 1, unit: '2ppm' } } }),
        readingFactory({ measures: { co2: { value: 1, unit: 'ppm' }, x: { value: 1, unit: '' } } }),
        readingFactory({ measures: { co2: { value: 1, unit: 'ppmx' } } }),
      ].map(dedupeKey),
    );
    expect(keys.size).toBe(8);
  });

  it('gives distinct keys to many near-identical readings (no collisions in 200,000)', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      keys.add(dedupeKey(readingFactory({ timeMs: 1650401460000 + i })));
      keys.add(dedupeKey(readingFactory({ measures: { co2: { value: 400 + i / 1000, unit: 'ppm' } } })));
    }
    expect(keys.size).toBe(200_000);
  });

  it('differs when any of device, time, nanoseconds, dimensions or values differ', () => {
    const base = readingFactory();
    const variants = [
      readingFactory({ deviceId: 'device_2' }),
      readingFactory({ timeMs: base.timeMs + 1 }),
      readingFactory({ timeSubMsNanos: 1 }),
      readingFactory({ dimensions: { prefecture: 'Osaka' } }),
      readingFactory({ dimensions: {} }),
      readingFactory({ measures: { ...base.measures, co2: { value: 653, unit: 'ppm' } } }),
    ];
    const keys = new Set([base, ...variants].map(dedupeKey));
    expect(keys.size).toBe(variants.length + 1);
  });
});

describe('RecentKeys', () => {
  it('remembers at least the last `size` keys and forgets older generations', () => {
    const recent = new RecentKeys(3);
    recent.rememberAll(['a', 'b', 'c']);
    expect(['a', 'b', 'c'].every((k) => recent.has(k))).toBe(true);
    recent.rememberAll(['d', 'e', 'f']);
    expect(['a', 'b', 'c', 'd', 'e', 'f'].every((k) => recent.has(k))).toBe(true);
    expect(recent.heldKeys).toBe(6);
    recent.remember('g');
    expect(recent.has('a')).toBe(false);
    expect(['d', 'e', 'f', 'g'].every((k) => recent.has(k))).toBe(true);
    expect(recent.heldKeys).toBe(4);
  });

  it('keeps a key remembered again alive when its old generation expires', () => {
    const recent = new RecentKeys(2);
    recent.rememberAll(['a', 'b', 'c']);
    recent.remember('a');
    recent.rememberAll(['d', 'e']);
    expect(recent.has('a')).toBe(true);
    expect(recent.has('b')).toBe(false);
    expect(recent.has('c')).toBe(true);
    recent.remember('f');
    expect(['a', 'b', 'c'].some((k) => recent.has(k))).toBe(false);
    expect(recent.heldKeys).toBe(3);
  });

  it('holds many keys exactly: the last `size` are found, the forgotten and the unseen are not', () => {
    const recent = new RecentKeys(20_000);
    const keys = Array.from({ length: 50_000 }, (_, i) => `h:key-${i}`);
    recent.rememberAll(keys);
    expect(keys.slice(-20_000).every((k) => recent.has(k))).toBe(true);
    expect(keys.slice(0, 10_000).some((k) => recent.has(k))).toBe(false);
    expect(Array.from({ length: 50_000 }, (_, i) => `m:other:${i}`).some((k) => recent.has(k))).toBe(false);
    expect(recent.heldKeys).toBe(30_000);
  });

  it('holds real content keys (digest fingerprints) and odd h: keys (hashed) without mixing them up', () => {
    const recent = new RecentKeys(5_000);
    const content = Array.from({ length: 12_000 }, (_, i) =>
      dedupeKey(readingFactory({ timeMs: 1650401460000 + i })),
    );
    expect(content[0]).toMatch(/^h:/);
    recent.rememberAll(content);
    expect(content.slice(-5_000).every((k) => recent.has(k))).toBe(true);
    expect(content.slice(0, 5_000).some((k) => recent.has(k))).toBe(false);
    const odd = 'h:not base64url at all!';
    expect(recent.has(odd)).toBe(false);
    recent.remember(odd);
    expect(recent.has(odd)).toBe(true);
  });

  it('does not count a key twice, remembers nothing with size 0, and refuses a bad size', () => {
    const recent = new RecentKeys(2);
    recent.rememberAll(['a', 'a', 'a', 'b']);
    expect(recent.heldKeys).toBe(2);
    const off = new RecentKeys(0);
    off.remember('a');
    expect(off.has('a')).toBe(false);
    expect(() => new RecentKeys(-1)).toThrow(/DEDUPE_CACHE_SIZE/);
    expect(() => new RecentKeys(1.5)).toThrow(RangeError);
  });
});

describe('dedupe', () => {
  it('agrees with a plain Set-based dedupe on a large batch with copies, recent keys and messageIds', () => {
    const readings = Array.from({ length: 5_000 }, (_, i) => {
      const k = i % 7 === 6 ? i - 3 : i; // a copy of a reading three places back
      return readingFactory(
        k % 11 === 0 ? { messageId: `m-${k}`, timeMs: 1 } : { timeMs: 1650401460000 + k },
      );
    });
    const recent = new RecentKeys(1_000);
    recent.rememberAll(
      readings
        .slice(0, 400)
        .filter((_, i) => i % 3 === 0)
        .map(dedupeKey),
    );
    const seen = new Set<string>();
    const expected = { keys: [] as string[], indexes: [] as number[], of: [] as string[] };
    readings.forEach((r, i) => {
      const key = dedupeKey(r);
      if (seen.has(key)) expected.of.push(DuplicateOf.batch);
      else if (recent.has(key)) expected.of.push(DuplicateOf.recent);
      else {
        seen.add(key);
        expected.keys.push(key);
        expected.indexes.push(i);
      }
    });
    const got = dedupe(readings, recent);
    expect(got.keys).toEqual(expected.keys);
    expect(got.indexes).toEqual(expected.indexes);
    expect(got.fresh).toEqual(expected.indexes.map((i) => readings[i]));
    expect(got.duplicates.map((d) => d.of)).toEqual(expected.of);
    expect(expected.of.filter((o) => o === DuplicateOf.recent).length).toBeGreaterThan(50);
    expect(expected.of.filter((o) => o === DuplicateOf.batch).length).toBeGreaterThan(500);
    // A second, smaller call reuses the table without leftovers from the first.
    expect(dedupe(readings.slice(0, 3)).fresh).toHaveLength(3);
  });

  it('drops exact duplicates within a batch, keeping the first copy', () => {
    const a = readingFactory();
    const aAgain = readingFactory();
    const b = readingFactory({ timeMs: a.timeMs + 60_000 });
    const r = dedupe([a, aAgain, b]);
    expect(r.fresh).toEqual([a, b]);
    expect(r.fresh[0]).toBe(a);
    expect(r.keys).toEqual([dedupeKey(a), dedupeKey(b)]);
    expect(r.indexes).toEqual([0, 2]);
    expect(r.duplicates).toEqual([{ reading: aAgain, key: dedupeKey(a), of: DuplicateOf.batch }]);
  });

  it('drops readings remembered from earlier batches, and does not remember by itself', () => {
    const recent = new RecentKeys(10);
    const a = readingFactory();
    const first = dedupe([a], recent);
    expect(first.fresh).toEqual([a]);
    expect(dedupe([a], recent).fresh).toEqual([a]);
    recent.rememberAll(first.keys);
    const again = dedupe([readingFactory()], recent);
    expect(again.fresh).toEqual([]);
    expect(again.duplicates.map((d) => d.of)).toEqual(['recent']);
  });

  it('treats the same device, messageId and time as a duplicate even when the values differ', () => {
    const a = readingFactory({ messageId: 'm-1' });
    const b = readingFactory({ messageId: 'm-1', measures: { co2: { value: 999, unit: 'ppm' } } });
    expect(dedupe([a, b]).fresh).toEqual([a]);
  });

  it('keeps a reading whose messageId comes again at a later time (the device restarted its counter)', () => {
    const a = readingFactory({ messageId: 'm-1' });
    const b = readingFactory({ messageId: 'm-1', timeMs: a.timeMs + 60_000 });
    const recent = new RecentKeys(10);
    recent.rememberAll(dedupe([a]).keys);
    expect(dedupe([a, b], recent).fresh).toEqual([b]);
  });
});
