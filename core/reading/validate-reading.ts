import type { z } from 'zod';
import { multiMeasureName } from '../records/record-layout';
import { applyConversion } from '../units';
import { utf8Length } from './field-rules';
import type { FleetSchema } from './fleet-schema';
import { formatPath } from './issue-path';
import { readingLimits } from './limits';
import { IssueCode, type MeasureValue, type Reading, type ReadingInput, type ReadingIssue } from './reading';
import { canonicalReadingSchema, issueCodeOf, measuresSchema } from './reading-schema';
import { isWellFormedMeasures, isWellFormedReading } from './well-formed';

/**
 * What validation needs besides the reading: the fleet schema (measures with their units, and dimension
 * names), the clock, and the caller's device if known.
 */
export type ValidationContext = {
  readonly schema: FleetSchema;
  /** The receiving clock (epoch ms): times more than 15 minutes after it are refused. */
  readonly nowMs: number;
  /** The authenticated device: a reading naming another device is refused with `device_mismatch`. */
  readonly deviceId?: string | undefined;
};

/** Where a reading sits in its batch, for issue paths (`[3].measures...`). */
export type ReadingPosition = { readonly index?: number; readonly line?: number };

export type ReadingResult =
  | { readonly ok: true; readonly reading: Reading }
  | { readonly ok: false; readonly issues: ReadingIssue[] };

/**
 * Validates one canonical reading (already JSON-parsed) into a {@link Reading}: shape, names (measures of the
 * fleet schema's registry, its dimensions), limits, time bounds, units (converted into canonical units) and
 * record size. Never throws; returns every issue found (shape issues first; names, time, unit and size
 * issues once the shape is right).
 */
export function validateReading(
  raw: unknown,
  ctx: ValidationContext,
  at: ReadingPosition = noPosition,
): ReadingResult {
  const r = checkReading(raw, ctx, at);
  return Array.isArray(r) ? { ok: false, issues: r } : { ok: true, reading: r };
}

const noPosition: ReadingPosition = Object.freeze({});

/**
 * The dimensions of every reading sent without any: one shared frozen object rather than a new one per
 * reading (readings are read-only; the writer holds thousands of them per batch).
 */
const noDimensions: Readonly<Record<string, string>> = Object.freeze({});

/**
 * {@link validateReading} without the result wrapper, for the writer's per-record path: the reading, or its
 * issues (an array, never empty).
 */
export function checkReading(
  raw: unknown,
  ctx: ValidationContext,
  at: ReadingPosition = noPosition,
): Reading | ReadingIssue[] {
  let input: ReadingInput;
  if (isWellFormedReading(raw)) input = raw;
  else {
    const parsed = canonicalReadingSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) return zodIssues(parsed.error, at);
    input = parsed.data as ReadingInput;
  }
  return complete(input, ctx, at);
}

/**
 * Validates the seed's body `{"co2": 550, "temperature": 24.2, "humidity": 48.2}`: the whole body is the
 * measures, the device comes from the caller and the time is the receipt time.
 */
export function validateSeedReading(
  raw: unknown,
  ctx: ValidationContext & { readonly receivedAtMs: number },
): ReadingResult {
  if (ctx.deviceId === undefined) {
    return {
      ok: false,
      issues: [
        {
          path: '',
          code: IssueCode.deviceRequired,
          message:
            'a body of bare measures needs the device id from the caller (authenticated token); ' +
            'or send a canonical reading with "deviceId", "time" and "measures"',
        },
      ],
    };
  }
  let measures: ReadingInput['measures'];
  if (isWellFormedMeasures(raw)) measures = raw;
  else {
    const parsed = measuresSchema.safeParse(raw, { reportInput: true });
    if (!parsed.success) return { ok: false, issues: zodIssues(parsed.error, {}) };
    measures = parsed.data as ReadingInput['measures'];
  }
  const r = complete({ deviceId: ctx.deviceId, time: ctx.receivedAtMs, measures }, ctx, noPosition, true);
  return Array.isArray(r) ? { ok: false, issues: r } : { ok: true, reading: r };
}

/** Collects the issues of one reading; cheap to create, as the common valid path finds none. */
class IssueList {
  readonly items: ReadingIssue[] = [];
  constructor(
    private readonly at: ReadingPosition,
    private readonly bareMeasures: boolean,
  ) {}
  add(path: readonly PropertyKey[], code: IssueCode, message: string): void {
    const prefix = this.at.index === undefined ? '' : `[${this.at.index}]`;
    this.items.push(withPosition({ path: formatPath(prefix, path), code, message }, this.at));
  }
  /** The seed body has no "measures" field: its issue paths are the measure names alone. */
  addMeasure(name: string, field: string, code: IssueCode, message: string): void {
    this.add(this.bareMeasures ? [name, field] : ['measures', name, field], code, message);
  }
}

/** `list`, or a new list for the reading's first issue (the common valid reading allocates none). */
function issueList(list: IssueList | undefined, at: ReadingPosition, bareMeasures: boolean): IssueList {
  return list ?? new IssueList(at, bareMeasures);
}

function complete(
  input: ReadingInput,
  ctx: ValidationContext,
  at: ReadingPosition,
  bareMeasures = false,
): Reading | ReadingIssue[] {
  let issues: IssueList | undefined;

  if (ctx.deviceId !== undefined && input.deviceId !== ctx.deviceId) {
    issues = issueList(issues, at, bareMeasures);
    issues.add(
      ['deviceId'],
      IssueCode.deviceMismatch,
      `reading is for device "${input.deviceId}" but the caller is authenticated as "${ctx.deviceId}"`,
    );
  }

  let timeMs: number;
  let subMsNanos = 0;
  if (typeof input.time === 'number') timeMs = input.time;
  else {
    const t = parseIsoTime(input.time);
    if (t === undefined) {
      issues = issueList(issues, at, bareMeasures);
      issues.add(['time'], IssueCode.invalidTime, `"${input.time}" is not a valid date and time`);
      timeMs = Number.NaN;
    } else {
      timeMs = t.ms;
      subMsNanos = t.subMsNanos;
    }
  }
  if (timeMs < readingLimits.minTimeMs) {
    const hint =
      typeof input.time === 'number' && input.time > 0 && input.time < 1e11
        ? '; it looks like epoch seconds: time must be epoch milliseconds'
        : '; check the device clock';
    issues = issueList(issues, at, bareMeasures);
    issues.add(
      ['time'],
      IssueCode.timeTooOld,
      `${describeTime(input.time, timeMs)} is before 2000-01-01T00:00:00Z${hint}`,
    );
  } else if (timeMs > ctx.nowMs + readingLimits.maxFutureMs) {
    const ahead = Math.round((timeMs - ctx.nowMs) / 60_000);
    issues = issueList(issues, at, bareMeasures);
    issues.add(
      ['time'],
      IssueCode.timeInFuture,
      `${describeTime(input.time, timeMs)} is ${ahead} minutes ahead of the receiving clock ` +
        `(at most ${readingLimits.maxFutureMs / 60_000} allowed): check the device clock`,
    );
  }

  const measures: Record<string, MeasureValue> = {};
  // Upper bound on the MULTI record's size first (24 characters per number); exact count only near the limit.
  let fixedBytes = 8 + input.deviceId.length + multiMeasureName.length + 16;
  let measureCount = 0;
  const schema = ctx.schema;
  const units = schema.units;
  for (const name in input.measures) {
    const v = input.measures[name]!;
    let given: number;
    let unit: string | undefined;
    if (typeof v === 'number') given = v;
    else {
      given = v.value;
      unit = v.unit;
    }
    const known = units.measure(name);
    let value = given;
    if (known === undefined) {
      // Only registered measures become columns: the raw table's columns are the fleet's contract.
      issues = issueList(issues, at, bareMeasures);
      issues.add(
        bareMeasures ? [name] : ['measures', name],
        IssueCode.unknownMeasure,
        schema.unknownMeasureMessage(name),
      );
      continue;
    }
    if (unit === undefined || unit === known.canonicalUnit) {
      measures[name] = { value, unit: known.canonicalUnit };
    } else {
      const c = known.units.get(unit);
      if (c === undefined) {
        // An unknown unit: the registry words the error (with the units it accepts).
        const r = units.toCanonical(name, given, unit);
        if (!r.ok) {
          issues = issueList(issues, at, bareMeasures);
          issues.addMeasure(name, 'unit', r.code, r.message);
        }
        continue;
      }
      value = applyConversion(given, c);
      if (!Number.isFinite(value)) {
        issues = issueList(issues, at, bareMeasures);
        issues.addMeasure(
          name,
          'value',
          IssueCode.invalidValue,
          `${given} ${unit} is out of range once converted`,
        );
        continue;
      }
      measures[name] = { value, unit: known.canonicalUnit, original: { value: given, unit } };
    }
    fixedBytes += name.length;
    measureCount++;
  }
  const dimensions = input.dimensions ?? noDimensions;
  // Dimension values at 3 bytes a character (the UTF-8 maximum for a UTF-16 code unit) bound their size.
  let dimensionBound = 0;
  for (const name in dimensions) {
    if (!schema.isDimension(name)) {
      issues = issueList(issues, at, bareMeasures);
      issues.add(['dimensions', name], IssueCode.unknownDimension, schema.unknownDimensionMessage(name));
    }
    const storeProblem = schema.storeValueProblem?.(dimensions[name]!);
    if (storeProblem !== undefined) {
      issues = issueList(issues, at, bareMeasures);
      issues.add(['dimensions', name], IssueCode.invalidDimensionValue, storeProblem);
    }
    dimensionBound += name.length + 3 * dimensions[name]!.length;
  }
  if (fixedBytes + dimensionBound + 24 * measureCount > readingLimits.maxRecordBytes) {
    for (const name in dimensions) fixedBytes += name.length + utf8Length(dimensions[name]!);
    let valueChars = 0;
    for (const name in measures) valueChars += String(measures[name]!.value).length;
    if (fixedBytes + valueChars > readingLimits.maxRecordBytes) {
      issues = issueList(issues, at, bareMeasures);
      issues.add(
        [],
        IssueCode.recordTooLarge,
        `the record would be about ${fixedBytes + valueChars} bytes (Timestream allows ${readingLimits.maxRecordBytes}): ` +
          'send fewer or shorter dimensions or measures',
      );
    }
  }

  if (issues !== undefined) return issues.items;
  const reading: {
    deviceId: string;
    timeMs: number;
    timeSubMsNanos?: number;
    messageId?: string;
    dimensions: Readonly<Record<string, string>>;
    measures: Record<string, MeasureValue>;
  } = { deviceId: input.deviceId, timeMs, dimensions, measures };
  if (subMsNanos !== 0) reading.timeSubMsNanos = subMsNanos;
  if (input.messageId !== undefined) reading.messageId = input.messageId;
  return reading;
}

function describeTime(given: string | number, ms: number): string {
  return typeof given === 'number' ? `time ${given} (${new Date(ms).toISOString()})` : `time "${given}"`;
}

function withPosition(
  issue: { path: string; code: IssueCode; message: string },
  at: ReadingPosition,
): ReadingIssue {
  if (at.index === undefined) return issue;
  return at.line === undefined ? { index: at.index, ...issue } : { index: at.index, line: at.line, ...issue };
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Days in month `m` (1..12) of year `y` (0..9999), as Date.UTC counts them (it reads years 0..99 as 19xx). */
function daysInMonth(y: number, m: number): number {
  if (m !== 2) return monthDays[m - 1]!;
  const year = y <= 99 ? 1900 + y : y;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

/**
 * Parses an ISO 8601 time of the accepted form (the one `isoTimePattern` in field-rules.ts describes: date, `T`, time with
 * seconds, up to 9 fractional digits, `Z` or an offset); `undefined` when it has another form or a field is
 * out of range. Read character by character: no match array, no substrings.
 */
export function parseIsoTime(s: string): { ms: number; subMsNanos: number } | undefined {
  const len = s.length;
  if (len < 20) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return undefined; // - - T
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined; // : :
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const se = digits(s, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0) return undefined;
  let at = 19;
  let frac9 = 0;
  if (s.charCodeAt(at) === 46 /* . */) {
    let count = 0;
    at++;
    while (at < len && count < 10) {
      const c = s.charCodeAt(at) - 48;
      if (c < 0 || c > 9) break;
      frac9 = frac9 * 10 + c;
      count++;
      at++;
    }
    if (count === 0 || count > 9) return undefined;
    frac9 *= 10 ** (9 - count);
  }
  let offsetMin = 0;
  const zone = s.charCodeAt(at);
  if (zone === 90 /* Z */) {
    if (at + 1 !== len) return undefined;
  } else if (zone === 43 /* + */ || zone === 45 /* - */) {
    if (at + 6 !== len || s.charCodeAt(at + 3) !== 58) return undefined;
    const oh = digits(s, at + 1, 2);
    const om = digits(s, at + 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return undefined;
    offsetMin = (zone === 45 ? -1 : 1) * (oh * 60 + om);
  } else return undefined;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || se > 59) return undefined;
  const base = Date.UTC(y, mo - 1, d, h, mi, se);
  // Date.UTC maps years 0..99 to 1900..1999: such times are refused as too old anyway.
  const ms = Math.floor(frac9 / 1_000_000);
  return { ms: base - offsetMin * 60_000 + ms, subMsNanos: frac9 - ms * 1_000_000 };
}

/** The number written by `count` ASCII digits at `from`, or -1 if one is not a digit. */
function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Turns zod's issues into {@link ReadingIssue}s with formatted paths and the pipeline's codes. */
function zodIssues(error: z.ZodError, at: ReadingPosition): ReadingIssue[] {
  const prefix = at.index === undefined ? '' : `[${at.index}]`;
  const out: ReadingIssue[] = [];
  const isTime = (path: readonly PropertyKey[]) => path.length === 1 && path[0] === 'time';
  const walk = (issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[]) => {
    for (const i of issues) {
      const path = [...base, ...i.path];
      if (i.code === 'invalid_union') {
        // Report the branch that matched the value's type (its issues are the useful ones), else the union's message.
        const branch = i.errors.find((b) => b.some((x) => x.path.length > 0 || x.code !== 'invalid_type'));
        if (branch) walk(branch, path);
        else
          out.push(
            withPosition(
              { path: formatPath(prefix, path), code: unionCode(path, i), message: i.message },
              at,
            ),
          );
      } else if (i.code === 'invalid_key') {
        walk(i.issues, path);
      } else if (i.code === 'unrecognized_keys') {
        for (const key of i.keys) {
          out.push(
            withPosition(
              {
                path: formatPath(prefix, [...path, key]),
                code: IssueCode.unknownField,
                message: `unknown field "${key}" (expected ${expectedFields(path)})`,
              },
              at,
            ),
          );
        }
      } else {
        const missing = i.code === 'invalid_type' && (i as { input?: unknown }).input === undefined;
        const code = isTime(path) && !missing ? IssueCode.invalidTime : issueCodeOf(i);
        const message = missing ? `missing (${i.expected} expected)` : i.message;
        out.push(withPosition({ path: formatPath(prefix, path), code, message }, at));
      }
    }
  };
  walk(error.issues, []);
  return out;
}

function unionCode(path: readonly PropertyKey[], issue: z.core.$ZodIssue): IssueCode {
  if (path.length === 1 && path[0] === 'time') return IssueCode.invalidTime;
  return (issue as { input?: unknown }).input === undefined ? IssueCode.missingField : IssueCode.invalidType;
}

function expectedFields(path: readonly PropertyKey[]): string {
  return path.length === 0 ? 'deviceId, time, messageId, dimensions, measures' : 'value, unit';
}
