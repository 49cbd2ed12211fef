/*
 * InfluxDB line protocol escaping, exactly as the spec has it:
 *   measurement                      -> `,` and space
 *   tag keys, tag values, field keys -> `,`, `=` and space
 *   string field values              -> `"` and `\`
 * A backslash before any other character stands for itself. Newlines cannot be escaped anywhere: a line ends
 * at one.
 */

const measurementSpecial = /[, ]/g;
const keySpecial = /[,= ]/g;
const stringSpecial = /["\\]/g;
const measurementTest = /[, ]/;
const keyTest = /[,= ]/;
const stringTest = /["\\]/;

/** A measurement name as line protocol writes it: `room conditions` -> `room\ conditions`. */
export function escapeMeasurement(name: string): string {
  return measurementTest.test(name) ? name.replace(measurementSpecial, '\\$&') : name;
}

/** A tag key, tag value or field key as line protocol writes it: `a=b, c` -> `a\=b\,\ c`. */
export function escapeKey(text: string): string {
  return keyTest.test(text) ? text.replace(keySpecial, '\\$&') : text;
}

/** A string field value, quoted: `say "hi" \o/` -> `"say \"hi\" \\o/"`. */
export function quoteString(text: string): string {
  return `"${stringTest.test(text) ? text.replace(stringSpecial, '\\$&') : text}"`;
}

/**
 * A float field value that InfluxDB keeps a float: always with a decimal point or an exponent (`550` ->
 * `550.0`, `1e+21` stays), so no line of a field ever reads as an integer. Fails on NaN and infinities,
 * which line protocol cannot carry (the readings' values are checked finite at the door).
 */
export function floatText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`line protocol cannot carry the float ${value}`);
  const text = String(value);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */ || c === 101 /* e */) return text;
  }
  return `${text}.0`;
}

/** An integer field value: `12` -> `12i`. */
export function integerText(value: number | bigint): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new RangeError(`line protocol integer fields take whole numbers (got ${value})`);
  }
  return `${value}i`;
}

/**
 * Why a tag value cannot be stored through line protocol, or undefined when it can. Tag values are
 * unquoted and only `,`, `=` and space can be escaped, so:
 * - a line break (`\n`, `\r`) would end the line;
 * - a backslash at the end, or before `,`, `=` or a space, would be read as escaping what follows it
 *   (InfluxDB refuses the line: "invalid tag format");
 * - an empty value is not a tag at all.
 * The ingest refuses such values with a 400 when STORAGE=influxdb, so they never reach the stream.
 */
export function tagValueProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty (InfluxDB has no empty tag values)';
  if (value.includes('\n') || value.includes('\r')) {
    return 'holds a line break, which InfluxDB line protocol cannot carry in a tag value';
  }
  for (let i = value.indexOf('\\'); i !== -1; i = value.indexOf('\\', i + 1)) {
    const next = value[i + 1];
    if (next === undefined) {
      return 'ends with a backslash, which InfluxDB line protocol would read as escaping the separator after it';
    }
    if (next === ',' || next === '=' || next === ' ') {
      return `has a backslash before "${next}", which InfluxDB line protocol cannot tell from an escape`;
    }
  }
  return undefined;
}
