import type { Row } from '@aws-sdk/client-timestream-query';
import { describe, expect, it } from 'vitest';
import { RowsText, RowsTextWriter } from '../../src/sql/rows-text';

const row = (...values: string[]): Row => ({ Data: values.map((ScalarValue) => ({ ScalarValue })) });

describe('RowsText (rows kept as the JSON text the Query API sends)', () => {
  const rows = [
    row('plain', '1.0'),
    row('café', '2.0'), // 2-byte UTF-8
    row('"quoted" \\ back\nslash', '3.0'), // escaped by JSON
    row('🌡️ sensor', '4.0'), // surrogate pair + variation selector
    row('last', '5.0'),
  ];

  it('gives back every run of rows, however the chunks were mixed ASCII and not', () => {
    const writer = new RowsTextWriter(16); // small: the buffer has to grow
    writer.append(rows.slice(0, 1).map((r) => JSON.stringify(r)));
    writer.append(rows.slice(1, 4).map((r) => JSON.stringify(r)));
    writer.append([]);
    writer.append(rows.slice(4).map((r) => JSON.stringify(r)));
    const text = writer.finish();
    expect(text.count).toBe(5);
    for (let from = 0; from <= 5; from++) {
      for (let to = from; to <= 5; to++) {
        expect(text.toRows(from, to)).toEqual(rows.slice(from, to));
      }
    }
  });

  it("counts each row's bytes on the wire, so pages are cut at the right size", () => {
    const text = RowsText.fromRows(rows);
    let total = 0;
    for (let i = 0; i < text.count; i++) total += text.byteLength(i);
    expect(total).toBe(Buffer.byteLength(rows.map((r) => JSON.stringify(r)).join(',')));
    expect(text.byteLength(1)).toBe(Buffer.byteLength(`,${JSON.stringify(rows[1])}`));
  });

  it('ends a page where adding rows one by one would pass the byte or row limit (at least one row a page)', () => {
    // rows of varied sizes, some alone above the byte limit
    const sizes = Array.from({ length: 300 }, (_, i) => ((i * 7919) % 97 === 0 ? 400 : 1 + ((i * 31) % 60)));
    const text = RowsText.fromRows(sizes.map((n, i) => row('x'.repeat(n), String(i))));
    const byRows = (from: number, maxRows: number, maxBytes: number) => {
      let end = from;
      let bytes = 0;
      while (end < text.count && end - from < maxRows) {
        const size = text.byteLength(end);
        if (end > from && bytes + size > maxBytes) break;
        bytes += size;
        end++;
      }
      return end;
    };
    for (const maxBytes of [1, 50, 120, 333, 1000, 100_000]) {
      for (const maxRows of [1, 3, 1000, Number.POSITIVE_INFINITY]) {
        for (let from = 0; from <= text.count; from++) {
          expect(text.pageEnd(from, maxRows, maxBytes)).toBe(byRows(from, maxRows, maxBytes));
        }
      }
    }
  });

  it('keeps rows given as joined bytes as segments, and gives back any run across them, in pieces or whole', () => {
    const texts = rows.map((r) => JSON.stringify(r));
    const joined = (from: number, to: number) => Buffer.from(texts.slice(from, to).join(','));
    const lengths = (from: number, to: number) => texts.slice(from, to).map((t) => Buffer.byteLength(t));
    const writer = new RowsTextWriter(16);
    writer.appendJoined(joined(0, 2), lengths(0, 2));
    writer.append(texts.slice(2, 3)); // a row written from its string between two segments
    writer.appendJoined(joined(3, 4), lengths(3, 4));
    writer.appendJoined(joined(4, 5), lengths(4, 5));
    const text = writer.finish();
    const whole = texts.join(',');
    expect(text.count).toBe(5);
    let total = 0;
    for (let i = 0; i < text.count; i++) total += text.byteLength(i);
    expect(total).toBe(Buffer.byteLength(whole));
    for (let from = 0; from <= 5; from++) {
      for (let to = from; to <= 5; to++) {
        const expected = texts.slice(from, to).join(',');
        expect(text.toRows(from, to)).toEqual(rows.slice(from, to));
        expect(Buffer.concat(text.pieces(from, to)).toString('utf8')).toBe(expected);
        expect(text.slice(from, to).toString('utf8')).toBe(expected);
      }
    }
  });
});
