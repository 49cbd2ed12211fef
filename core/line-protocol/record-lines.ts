import { escapeKey, escapeMeasurement, floatText, integerText, quoteString, tagValueProblem } from './escape';

/** Line protocol time precisions used here: ms unless a record carries nanoseconds. */
export const LinePrecision = { milliseconds: 'ms', nanoseconds: 'ns' } as const;
export type LinePrecision = (typeof LinePrecision)[keyof typeof LinePrecision];

/**
 * A Timestream record as the SDK (`_Record`) or the core (`TimestreamRecord`) types it: names and values may
 * be absent in the SDK's type.
 */
export type RecordLike = {
  readonly Dimensions?: readonly { readonly Name?: string; readonly Value?: string }[];
  readonly MeasureName?: string;
  readonly MeasureValue?: string;
  readonly MeasureValueType?: string;
  readonly MeasureValues?: readonly {
    readonly Name?: string;
    readonly Value?: string;
    readonly Type?: string;
  }[];
  readonly Time?: string;
  readonly TimeUnit?: string;
};

/** One record as a line, or why it cannot be one (then it is refused, never written half). */
export type RecordLine =
  | { readonly ok: true; readonly line: string; readonly precision: LinePrecision }
  | { readonly ok: false; readonly reason: string };

/**
 * A Timestream record (with its request's CommonAttributes) as one InfluxDB line-protocol line:
 * measurement = `measurement`, tags = the dimensions (deviceId and the reading's), sorted by key as InfluxDB
 * recommends, fields = the measures (DOUBLE as floats, always with a decimal point or an exponent; BIGINT as
 * integers; VARCHAR as strings; BOOLEAN), time = the record's time in its own unit (ms or ns).
 * Both layouts map to the same point: a MULTI record is one line with every measure, the single layout's
 * DOUBLE records are one line per measure at the same series and time, which InfluxDB merges into one point.
 *
 * @example
 * recordLine('conditions', {}, { Dimensions: [{ Name: 'deviceId', Value: 'd1' }], MeasureName: 'reading',
 *   MeasureValueType: 'MULTI', MeasureValues: [{ Name: 'co2', Value: '550', Type: 'DOUBLE' }],
 *   Time: '1700000000000', TimeUnit: 'MILLISECONDS' });
 * // { ok: true, line: 'conditions,deviceId=d1 co2=550.0 1700000000000', precision: 'ms' }
 */
export function recordLine(
  measurement: string,
  common: RecordLike | undefined,
  record: RecordLike,
): RecordLine {
  const dims = mergeDimensions(common?.Dimensions, record.Dimensions);
  let line = escapeMeasurement(measurement);
  for (const [name, value] of dims) {
    const problem = tagValueProblem(value);
    if (problem !== undefined) return { ok: false, reason: `tag "${name}" ${problem}` };
    line += `,${escapeKey(name)}=${escapeKey(value)}`;
  }
  const type = record.MeasureValueType ?? common?.MeasureValueType;
  let fields = '';
  try {
    if (type === 'MULTI') {
      for (const v of record.MeasureValues ?? common?.MeasureValues ?? []) {
        if (v.Name === undefined || v.Value === undefined) continue;
        fields += `${fields === '' ? '' : ','}${escapeKey(v.Name)}=${fieldText(v.Value, v.Type ?? 'DOUBLE')}`;
      }
    } else {
      const name = record.MeasureName ?? common?.MeasureName;
      const value = record.MeasureValue ?? common?.MeasureValue;
      if (name !== undefined && value !== undefined) {
        fields = `${escapeKey(name)}=${fieldText(value, type ?? 'DOUBLE')}`;
      }
    }
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
  if (fields === '') return { ok: false, reason: 'the record has no measure to write as a field' };
  const time = record.Time ?? common?.Time;
  const unit = record.TimeUnit ?? common?.TimeUnit ?? 'MILLISECONDS';
  if (time === undefined || !/^\d+$/.test(time)) {
    return { ok: false, reason: `the record time ${JSON.stringify(time)} is not a whole epoch time` };
  }
  if (unit !== 'MILLISECONDS' && unit !== 'NANOSECONDS') {
    return {
      ok: false,
      reason: `time unit ${unit} is not written to InfluxDB (MILLISECONDS or NANOSECONDS)`,
    };
  }
  return {
    ok: true,
    line: `${line} ${fields} ${time}`,
    precision: unit === 'NANOSECONDS' ? LinePrecision.nanoseconds : LinePrecision.milliseconds,
  };
}

function fieldText(value: string, type: string): string {
  switch (type) {
    case 'DOUBLE':
      return floatText(Number(value));
    case 'BIGINT':
      return integerText(BigInt(value));
    case 'BOOLEAN':
      return value === 'true' ? 'true' : 'false';
    case 'VARCHAR':
      if (value.includes('\n')) throw new RangeError('a string field value cannot hold a line break');
      return quoteString(value);
    default:
      throw new RangeError(`measure type ${type} is not written to InfluxDB`);
  }
}

/** The request's common dimensions then the record's (a record's own value wins), sorted by name. */
function mergeDimensions(
  common: RecordLike['Dimensions'],
  own: RecordLike['Dimensions'],
): [string, string][] {
  const byName = new Map<string, string>();
  for (const d of common ?? [])
    if (d.Name !== undefined && d.Value !== undefined) byName.set(d.Name, d.Value);
  for (const d of own ?? []) if (d.Name !== undefined && d.Value !== undefined) byName.set(d.Name, d.Value);
  // Go's bytes.Compare order (code units compare the same for the ASCII names the fleet schema allows)
  return [...byName].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
