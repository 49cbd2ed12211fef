import type { Reading } from '../reading';
import { sameDimensions } from '../records/device-dimensions';
import { deviceIdDimension } from '../records/record-layout';
import { nanosecondTime } from '../records/write-chunk';
import { escapeKey, escapeMeasurement, floatText, tagValueProblem } from './escape';
import type { LineBuffer } from './line-buffer';
import { LinePrecision } from './record-lines';

/** A device's tag set as written (`<measurement>,deviceId=..,room=..` in UTF-8), or why it cannot be written. */
type TagSet = {
  readonly source: Readonly<Record<string, string>>;
  readonly bytes: Uint8Array;
  readonly problem?: string;
};

const maxDevices = 50_000;
const maxValueTexts = 65_536;
const maxFieldKeys = 10_000;
const utf8 = new TextEncoder();
const space = 32;
const comma = 44;

/**
 * Validated readings straight to InfluxDB line-protocol lines in a {@link LineBuffer}, one line per reading:
 * measurement = the raw table, tags = `deviceId` and the reading's dimensions sorted by key, fields = every
 * measure (canonical value) as a float, time in ms (ns when the reading has sub-millisecond nanoseconds). The
 * same line, byte for byte, as {@link recordLine} gives for the reading's MULTI record (a test compares them),
 * without building the record, nor a string per line: the writer's InfluxDB path.
 *
 * A writer sees the same devices batch after batch, so each device's tag set (escaped, sorted), each field
 * key and each value's text are kept as bytes (bounded) rather than built again for every reading. One
 * instance per measurement.
 *
 * @example
 * const lines = new ReadingLines('conditions');
 * const out = new LineBuffer();
 * lines.append(reading, out); // undefined: out holds 'conditions,deviceId=d1 co2=550.0,temperature=24.2 1700000000000'
 */
export class ReadingLines {
  private readonly measurement: string;
  private readonly tagSets = new Map<string, TagSet>();
  private readonly fieldKeys = new Map<string, Uint8Array>();
  private readonly valueTexts = new Map<number, Uint8Array>();

  constructor(measurement: string) {
    this.measurement = escapeMeasurement(measurement);
  }

  /** The precision of the reading's line: ns when it has sub-millisecond nanoseconds, else ms. */
  static precision(reading: Reading): LinePrecision {
    return reading.timeSubMsNanos === undefined ? LinePrecision.milliseconds : LinePrecision.nanoseconds;
  }

  /**
   * Appends the reading's line to `out` and returns undefined, or returns why line protocol cannot carry it
   * (a tag value it cannot escape, a non-finite value, no measure), leaving `out` as it was.
   */
  append(reading: Reading, out: LineBuffer): string | undefined {
    const tags = this.tagSet(reading);
    if (tags.problem !== undefined) return tags.problem;
    const start = out.offset;
    out.put(tags.bytes);
    let first = true;
    const measures = reading.measures;
    for (const name in measures) {
      const value = measures[name]!.value;
      let text = this.valueTexts.get(value);
      if (text === undefined) {
        if (!Number.isFinite(value)) {
          out.rewind(start);
          return `line protocol cannot carry the float ${value}`;
        }
        text = utf8.encode(floatText(value));
        if (this.valueTexts.size >= maxValueTexts) this.valueTexts.clear();
        this.valueTexts.set(value, text);
      }
      out.putByte(first ? space : comma);
      first = false;
      out.put(this.fieldKey(name));
      out.put(text);
    }
    if (first) {
      out.rewind(start);
      return 'the record has no measure to write as a field';
    }
    const { timeMs, timeSubMsNanos } = reading;
    // as recordLine's check of the record's time text (digits only): whole, not negative, not in exponent form
    const wholeSub =
      timeSubMsNanos === undefined || (Number.isSafeInteger(timeSubMsNanos) && timeSubMsNanos >= 0);
    if (!(Number.isInteger(timeMs) && timeMs >= 0 && timeMs < 1e21 && wholeSub)) {
      out.rewind(start);
      const time = timeSubMsNanos === undefined ? String(timeMs) : nanosecondTime(timeMs, timeSubMsNanos);
      return `the record time ${JSON.stringify(time)} is not a whole epoch time`;
    }
    out.putByte(space);
    if (timeMs <= Number.MAX_SAFE_INTEGER) out.putDigits(timeMs);
    else out.put(utf8.encode(String(timeMs)));
    if (timeSubMsNanos !== undefined) out.putDigits(timeSubMsNanos, 6);
    out.endLine();
    return undefined;
  }

  /** `name=` with the name escaped, as bytes. */
  private fieldKey(name: string): Uint8Array {
    let key = this.fieldKeys.get(name);
    if (key === undefined) {
      key = utf8.encode(`${escapeKey(name)}=`);
      if (this.fieldKeys.size >= maxFieldKeys) this.fieldKeys.clear();
      this.fieldKeys.set(name, key);
    }
    return key;
  }

  /** The measurement and tags of the reading's device (kept per device while its dimensions stay the same). */
  private tagSet(reading: Reading): TagSet {
    const known = this.tagSets.get(reading.deviceId);
    if (known !== undefined && sameDimensions(known.source, reading.dimensions)) return known;
    const tags: [string, string][] = [[deviceIdDimension, reading.deviceId]];
    for (const name in reading.dimensions) {
      // a dimension named like the device's tag: the record's own value wins, as in recordLine
      if (name === deviceIdDimension) tags[0] = [name, reading.dimensions[name]!];
      else tags.push([name, reading.dimensions[name]!]);
    }
    // Go's bytes.Compare order, as InfluxDB recommends (code units compare the same for ASCII names)
    tags.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let text = this.measurement;
    let problem: string | undefined;
    for (const [name, value] of tags) {
      const p = tagValueProblem(value);
      if (p !== undefined) {
        problem = `tag "${name}" ${p}`;
        break;
      }
      text += `,${escapeKey(name)}=${escapeKey(value)}`;
    }
    const source = reading.dimensions;
    const bytes = utf8.encode(text);
    const entry: TagSet = problem === undefined ? { source, bytes } : { source, bytes, problem };
    if (this.tagSets.size >= maxDevices) this.tagSets.clear();
    this.tagSets.set(reading.deviceId, entry);
    return entry;
  }
}
