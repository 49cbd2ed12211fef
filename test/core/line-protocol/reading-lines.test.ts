import { describe, expect, it } from 'vitest';
import { LineBuffer, ReadingLines, recordLine } from '#core/line-protocol';
import type { Reading } from '#core/reading';
import { toWriteChunks } from '#core/records';
import { readingFactory } from '../../helpers/readings';

/** The line recordLine gives for the reading's MULTI record (the records path the sink had before). */
function viaRecord(measurement: string, reading: Reading) {
  const [chunk] = toWriteChunks([reading], { layout: 'multi', version: 1 });
  return recordLine(measurement, chunk!.commonAttributes, chunk!.records[0]!);
}

const base = Date.parse('2022-04-20T00:00:00Z');

/** The reading's line as ReadingLines appends it (to a buffer holding a line already), in recordLine's shape. */
function viaReading(lines: ReadingLines, reading: Reading) {
  const out = new LineBuffer(8);
  expect(lines.append(readingFactory({ deviceId: 'before' }), out)).toBeUndefined();
  const problem = lines.append(reading, out);
  if (problem !== undefined) {
    expect(out.lines).toBe(1);
    return { ok: false, reason: problem };
  }
  expect(out.lines).toBe(2);
  return {
    ok: true,
    line: new TextDecoder().decode(out.bytes(1, 2)),
    precision: ReadingLines.precision(reading),
  };
}

/** Readings that exercise every part of a line: names and values to escape, times, values, dimensions. */
const corpus: Reading[] = [
  readingFactory(),
  readingFactory({ dimensions: {} }),
  readingFactory({
    deviceId: 'd:1@x.y-z_',
    dimensions: { room: 'a,b=c d', floor: '=2', zone: 'Zürich 東京 🌡' },
  }),
  readingFactory({ dimensions: { prefecture: 'back\\slash inside', site: 'tab\there', area: '"quoted"' } }),
  readingFactory({ timeMs: base + 123, timeSubMsNanos: 4_567 }),
  readingFactory({ timeMs: base, timeSubMsNanos: 999_999 }),
  readingFactory({
    measures: {
      co2: { value: 550, unit: 'ppm' },
      temperature: { value: -0, unit: 'degC' },
      humidity: { value: 1e21, unit: 'percent' },
      pressure: { value: -1.5e-7, unit: 'hPa' },
      noise: { value: 24.299999999999997, unit: 'dB', original: { value: 75.74, unit: 'x' } },
    },
  }),
  readingFactory({ measures: { co2: { value: 412, unit: 'ppm' } } }),
  // unstorable: a tag value line protocol cannot carry, a non-finite value, no measure
  readingFactory({ dimensions: { room: 'ends with backslash\\' } }),
  readingFactory({ dimensions: { room: 'line\nbreak' } }),
  readingFactory({ dimensions: { room: 'a\\,b' } }),
  readingFactory({ measures: { co2: { value: Number.NaN, unit: 'ppm' } } }),
  readingFactory({ measures: { co2: { value: Number.POSITIVE_INFINITY, unit: 'ppm' } } }),
  readingFactory({ measures: {} }),
];

describe('ReadingLines', () => {
  it('gives, for every reading, the same line (or the same refusal) as recordLine of its MULTI record', () => {
    for (const measurement of ['conditions', 'room conditions,v2']) {
      const lines = new ReadingLines(measurement);
      // twice: the second pass is served from the per-device, field-key and value caches
      for (const pass of [1, 2]) {
        for (const reading of corpus) {
          expect(
            viaReading(lines, reading),
            `${measurement} pass ${pass}: ${JSON.stringify(reading)}`,
          ).toEqual(viaRecord(measurement, reading));
        }
      }
    }
  });

  it("builds a device's tags again when its dimensions change, and keeps each device's own", () => {
    const lines = new ReadingLines('conditions');
    const line = (r: Partial<Reading>) => {
      const l = viaReading(
        lines,
        readingFactory({ measures: { co2: { value: 1, unit: 'ppm' } }, timeMs: base, ...r }),
      );
      return l.ok ? l.line : l.reason;
    };
    expect(line({ dimensions: { room: 'a' } })).toBe(`conditions,deviceId=device_1,room=a co2=1.0 ${base}`);
    expect(line({ dimensions: { room: 'b' } })).toBe(`conditions,deviceId=device_1,room=b co2=1.0 ${base}`);
    expect(line({ dimensions: { room: 'b', floor: '3' } })).toBe(
      `conditions,deviceId=device_1,floor=3,room=b co2=1.0 ${base}`,
    );
    expect(line({ dimensions: {} })).toBe(`conditions,deviceId=device_1 co2=1.0 ${base}`);
    expect(line({ deviceId: 'other', dimensions: { room: 'bad\\' } })).toMatch(
      /^tag "room" ends with a backslash/,
    );
    expect(line({ dimensions: {} })).toBe(`conditions,deviceId=device_1 co2=1.0 ${base}`);
    expect(line({ deviceId: 'other', dimensions: { room: 'fixed' } })).toBe(
      `conditions,deviceId=other,room=fixed co2=1.0 ${base}`,
    );
  });

  it('refuses a time that is not a whole epoch time, as recordLine does', () => {
    const lines = new ReadingLines('conditions');
    for (const time of [
      { timeMs: -1 },
      { timeMs: 1.5 },
      { timeMs: 1e21 },
      { timeMs: base, timeSubMsNanos: 0.5 },
    ]) {
      const reading = readingFactory(time);
      expect(viaReading(lines, reading)).toEqual(viaRecord('conditions', reading));
      expect(viaReading(lines, reading).ok).toBe(false);
    }
    // whole times beyond 2^53 are written as recordLine writes them
    const far = readingFactory({ timeMs: 2 ** 60 });
    expect(viaReading(lines, far)).toEqual(viaRecord('conditions', far));
  });
});

describe('LineBuffer', () => {
  it('holds lines as UTF-8 bytes, gives any run of them newline-separated, and drops a line given up', () => {
    const out = new LineBuffer(4);
    const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
    out.put(new TextEncoder().encode('a=1 Zürich'));
    out.endLine();
    out.putDigits(42);
    out.putByte(32);
    out.putDigits(7, 6);
    out.endLine();
    const start = out.offset;
    out.put(new TextEncoder().encode('not finished'));
    out.rewind(start);
    out.putDigits(0);
    out.putDigits(9_007_199_254_740_992);
    out.endLine();
    for (const [n, width] of [
      [1_650_412_800_123, 1],
      [1_650_412_800_999, 1],
      [1_650_413_000_001, 1],
      [1_234_567, 9],
      [1_000_000, 1],
      [999_999, 1],
    ] as const) {
      out.putDigits(n, width);
      out.putByte(32);
    }
    out.endLine();
    expect(out.lines).toBe(4);
    expect(text(out.bytes(0, 3))).toBe('a=1 Zürich\n42 000007\n09007199254740992');
    expect(text(out.bytes(1, 2))).toBe('42 000007');
    expect(text(out.bytes(2, 3))).toBe('09007199254740992');
    expect(text(out.bytes(3, 4))).toBe('1650412800123 1650412800999 1650413000001 001234567 1000000 999999 ');
  });
});
