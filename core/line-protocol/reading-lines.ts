import type { Reading } from '../reading';
import { sameDimensions } from '../records/device-dimensions';
import { deviceIdDimension } from '../records/record-layout';
import { msTimeText } from '../records/record-text';
import { nanosecondTime } from '../records/write-chunk';
import { escapeKey, escapeMeasurement, floatText, tagValueProblem } from './escape';
import { LinePrecision, type RecordLine } from './record-lines';

/** A device's tag set as written (`<measurement>,deviceId=..,room=..`), or why it cannot be written. */
type TagSet = {
  readonly source: Readonly<Record<string, string>>;
  readonly text: string;
  readonly problem?: string;
};

const maxDevices = 50_000;
const maxValueTexts = 65_536;
const maxFieldKeys = 10_000;

/**
 * Validated readings straight to InfluxDB line-protocol lines, one line per reading: measurement = the raw
 * table, tags = `deviceId` and the reading's dimensions sorted by key, fields = every measure (canonical
 * value) as a float, time in ms (ns when the reading has sub-millisecond nanoseconds). The same line, byte for
 * byte, as {@link recordLine} gives for the reading's MULTI record (a test compares them), without building
 * the record first: the writer's InfluxDB path.
 *
 * A writer sees the same devices batch after batch, so each device's tag set (escaped, sorted), each field
 * key and each value's text are kept (bounded) rather than built again for every reading. One instance per
 * measurement; not shared across measurements.
 *
 * @example
 * const lines = new ReadingLines('conditions');
 * lines.line(reading); // { ok: true, line: 'conditions,deviceId=d1 co2=550.0,temperature=24.2 1700000000000', precision: 'ms' }
 */
export class ReadingLines {
  private readonly measurement: string;
  private readonly tagSets = new Map<string, TagSet>();
  private readonly fieldKeys = new Map<string, string>();
  private readonly valueTexts = new Map<number, string>();

  constructor(measurement: string) {
    this.measurement = escapeMeasurement(measurement);
  }

  /** The reading's line, or why line protocol cannot carry it (a tag value it cannot escape, a non-finite value). */
  line(reading: Reading): RecordLine {
    const tags = this.tagSet(reading);
    if (tags.problem !== undefined) return { ok: false, reason: tags.problem };
    let fields = '';
    const measures = reading.measures;
    for (const name in measures) {
      const value = measures[name]!.value;
      let text = this.valueTexts.get(value);
      if (text === undefined) {
        if (!Number.isFinite(value))
          return { ok: false, reason: `line protocol cannot carry the float ${value}` };
        text = floatText(value);
        if (this.valueTexts.size >= maxValueTexts) this.valueTexts.clear();
        this.valueTexts.set(value, text);
      }
      fields = fields === '' ? this.fieldKey(name) + text : `${fields},${this.fieldKey(name)}${text}`;
    }
    if (fields === '') return { ok: false, reason: 'the record has no measure to write as a field' };
    const { timeMs, timeSubMsNanos } = reading;
    // as recordLine's check of the record's time text (digits only): whole, not negative, not in exponent form
    if (!(Number.isInteger(timeMs) && timeMs >= 0 && timeMs < 1e21)) {
      return {
        ok: false,
        reason: `the record time ${JSON.stringify(String(timeMs))} is not a whole epoch time`,
      };
    }
    if (timeSubMsNanos === undefined) {
      return {
        ok: true,
        line: `${tags.text} ${fields} ${msTimeText(timeMs)}`,
        precision: LinePrecision.milliseconds,
      };
    }
    return {
      ok: true,
      line: `${tags.text} ${fields} ${nanosecondTime(timeMs, timeSubMsNanos)}`,
      precision: LinePrecision.nanoseconds,
    };
  }

  /** `name=` with the name escaped. */
  private fieldKey(name: string): string {
    let key = this.fieldKeys.get(name);
    if (key === undefined) {
      key = `${escapeKey(name)}=`;
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
    const entry: TagSet =
      problem === undefined
        ? { source: reading.dimensions, text }
        : { source: reading.dimensions, text, problem };
    if (this.tagSets.size >= maxDevices) this.tagSets.clear();
    this.tagSets.set(reading.deviceId, entry);
    return entry;
  }
}
