import type { TypedValue, ValueType } from './parsed-record';
import { type TimeUnit, toNanos } from './time-units';

/** The text of a measure value parsed as its MeasureValueType (times in the record's TimeUnit). */

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

/** Parses one value; returns the typed value or a rejection reason. */
export function parseValue(name: string, type: ValueType, raw: string, unit: TimeUnit): TypedValue | string {
  switch (type) {
    case 'DOUBLE': {
      const n = Number(raw);
      // Number() of a blank string is 0 (it trims the same white space as trim()), so only 0 needs the check
      if (!Number.isFinite(n) || (n === 0 && raw.trim() === '')) {
        return `Invalid measure value '${raw}' for measure '${name}' of type DOUBLE: not a finite number.`;
      }
      return { name, type, value: n };
    }
    case 'BIGINT': {
      if (!/^-?\d+$/.test(raw)) {
        return `Invalid measure value '${raw}' for measure '${name}' of type BIGINT: not an integer.`;
      }
      const b = BigInt(raw);
      if (b < int64Min || b > int64Max) {
        return `Invalid measure value '${raw}' for measure '${name}' of type BIGINT: outside the 64-bit range.`;
      }
      return { name, type, value: b };
    }
    case 'BOOLEAN': {
      const lower = raw.toLowerCase();
      if (lower !== 'true' && lower !== 'false') {
        return `Invalid measure value '${raw}' for measure '${name}' of type BOOLEAN: expected true or false.`;
      }
      return { name, type, value: lower === 'true' };
    }
    case 'TIMESTAMP': {
      const ns = toNanos(raw, unit);
      if (ns === undefined) {
        return `Invalid measure value '${raw}' for measure '${name}' of type TIMESTAMP: expected an integer epoch time in ${unit}.`;
      }
      if (ns < int64Min || ns > int64Max) {
        return `Invalid measure value '${raw}' for measure '${name}' of type TIMESTAMP: outside the range of 64-bit nanoseconds since the epoch (years 1677 to 2262).`;
      }
      return { name, type, value: ns };
    }
    default:
      return { name, type: 'VARCHAR', value: raw };
  }
}
