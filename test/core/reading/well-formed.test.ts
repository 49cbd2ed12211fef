import { describe, expect, it } from 'vitest';
import {
  canonicalReadingSchema,
  isWellFormedMeasures,
  isWellFormedReading,
  measuresSchema,
} from '#core/reading';
import { canonicalReadingFactory } from '../../helpers/readings';

/** A small deterministic PRNG, so the corpus is the same on every run. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const oddValues: unknown[] = [
  undefined,
  null,
  true,
  0,
  -1.5,
  Number.POSITIVE_INFINITY,
  1650401460000,
  1650401460000.5,
  '',
  ' ',
  'device_1',
  'a b',
  'x'.repeat(129),
  '2022-04-20T05:51:00+09:00',
  '2022-04-20T05:51:00',
  [],
  [1],
  {},
  { value: 1 },
  { value: 1, unit: 'degF' },
  { value: '1' },
  { value: 1, unit: '' },
  { value: 1, unit: 'p p m' },
  { value: 1, extra: 2 },
  { prefecture: 'Tokyo' },
  { time: 'x' },
  { co2: 'x' },
  { 'bad-name': 1 },
  JSON.parse('{"__proto__": 1}'),
];
const keys = [
  'deviceId',
  'time',
  'messageId',
  'dimensions',
  'measures',
  'extra',
  'co2',
  'temperature',
  'prefecture',
];

/** Valid readings and mutations of them: a random value put at a random path, or a field removed. */
function corpus(size: number): unknown[] {
  const rand = prng(42);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rand() * a.length)]!;
  const out: unknown[] = [
    canonicalReadingFactory(),
    canonicalReadingFactory({ time: 1650401460000, messageId: 'm-1' }),
    canonicalReadingFactory({ measures: { temperature: { value: 75.2, unit: 'degF' }, co2_raw: 1 } }),
    { deviceId: 'd', time: '2022-04-20T05:51:00.123456789Z', measures: { co2: 1 } },
  ];
  while (out.length < size) {
    const r = structuredClone(pick(out.slice(0, 4))) as Record<string, unknown>;
    const mutations = 1 + Math.floor(rand() * 3);
    for (let m = 0; m < mutations; m++) {
      const where =
        rand() < 0.5 ? r : (pick([r.measures, r.dimensions, r]) as Record<string, unknown> | undefined);
      if (!where || typeof where !== 'object') continue;
      const key = pick(keys);
      if (rand() < 0.2) delete where[key];
      else where[key] = structuredClone(pick(oddValues));
    }
    out.push(r);
  }
  return out;
}

describe('fast path and zod schema agree', () => {
  const inputs = corpus(3000);

  it('on canonical readings (valid and invalid)', () => {
    let valid = 0;
    for (const input of inputs) {
      const zod = canonicalReadingSchema.safeParse(input);
      expect(isWellFormedReading(input), JSON.stringify(input)).toBe(zod.success);
      if (zod.success) {
        valid++;
        expect(zod.data).toEqual(input);
      }
    }
    // The corpus must exercise both outcomes substantially.
    expect(valid).toBeGreaterThan(100);
    expect(inputs.length - valid).toBeGreaterThan(1000);
  });

  it('on measures objects (the seed body)', () => {
    let valid = 0;
    for (const input of inputs) {
      const measures = (input as { measures?: unknown }).measures;
      for (const candidate of [measures, input]) {
        const zod = measuresSchema.safeParse(candidate);
        expect(isWellFormedMeasures(candidate), JSON.stringify(candidate)).toBe(zod.success);
        if (zod.success) valid++;
      }
    }
    expect(valid).toBeGreaterThan(100);
  });
});
