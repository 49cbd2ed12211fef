import { IssueCode, type Reading, type ReadingInput, type ReadingIssue } from './reading';
import { checkReading, type ValidationContext } from './validate-reading';

/** A reading of a Kinesis record that failed validation: for the dead-letter sink, with the data and reasons. */
export type RejectedReading = {
  /** Position in the record's batch (0 for a record carrying one reading). */
  readonly index: number;
  /** The reading as found in the payload. */
  readonly input: unknown;
  readonly issues: ReadingIssue[];
};

/**
 * A decoded Kinesis record. `ok: false`: the payload as a whole is unusable (not base64 JSON of a reading or an
 * array of readings): send the record to the dead-letter sink. `ok: true`: the valid readings, plus any
 * individual readings that failed validation (dead-letter those, write the rest).
 */
export type DecodeResult =
  | { readonly ok: true; readonly readings: Reading[]; readonly rejected: readonly RejectedReading[] }
  | { readonly ok: false; readonly issues: ReadingIssue[] };

const noneRejected: readonly RejectedReading[] = Object.freeze([]);

/** Options of {@link decodeKinesisPayload}: the fleet schema and the writer's clock. */
export type DecodeOptions = Pick<ValidationContext, 'schema' | 'nowMs'>;

/**
 * Decodes one Kinesis record's data (base64 text as in the Lambda event, or the raw bytes) into validated
 * readings. The payload is a canonical reading or a JSON array of them (as written by {@link encodeReadings}).
 * Never throws: the writer needs a typed result per record to route failures to its dead-letter sink.
 */
export function decodeKinesisPayload(data: string | Uint8Array, opts: DecodeOptions): DecodeResult {
  const text = typeof data === 'string' ? base64Text(data) : Buffer.from(data).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    return {
      ok: false,
      issues: [
        {
          path: '',
          code: IssueCode.invalidJson,
          message: `payload is not base64 JSON: ${(cause as Error).message}`,
        },
      ],
    };
  }
  if (!Array.isArray(raw)) {
    // The common case, one reading per record: no intermediate arrays.
    const r = checkReading(raw, opts);
    if (!Array.isArray(r)) return { ok: true, readings: [r], rejected: noneRejected };
    return { ok: true, readings: [], rejected: [{ index: 0, input: raw, issues: r }] };
  }
  const readings: Reading[] = [];
  const rejected: RejectedReading[] = [];
  if (raw.length === 0) {
    return {
      ok: false,
      issues: [{ path: '', code: IssueCode.empty, message: 'payload is an empty array' }],
    };
  }
  for (let index = 0; index < raw.length; index++) {
    const r = checkReading(raw[index], opts, { index });
    if (!Array.isArray(r)) readings.push(r);
    else rejected.push({ index, input: raw[index], issues: r });
  }
  return { ok: true, readings, rejected };
}

/**
 * The UTF-8 text of base64 `data`. Payloads are JSON of ASCII names and numbers nearly always, and for ASCII
 * bytes the one-byte string `atob` returns is already the UTF-8 decoding, at about a third of the cost of
 * `Buffer.from(data, 'base64').toString('utf8')`. Anything else (non-ASCII bytes, or base64 that `atob`
 * refuses, such as base64url or stray characters, which Buffer's decoder skips) takes Buffer's path, so the
 * text is always the same as Buffer's.
 */
export function base64Text(data: string): string {
  try {
    const bytes = atob(data);
    // Its UTF-8 length equals its length only when every character is below 0x80.
    if (Buffer.byteLength(bytes, 'utf8') === bytes.length) return bytes;
  } catch {
    // Not strict base64: decoded below by Buffer, which is lenient.
  }
  return Buffer.from(data, 'base64').toString('utf8');
}

/** The canonical form of a validated reading: measures in canonical units, time as epoch ms (ISO with ns if any). */
export function toReadingInput(reading: Reading): ReadingInput {
  const measures: ReadingInput['measures'] = {};
  for (const name in reading.measures) {
    const m = reading.measures[name]!;
    measures[name] = m.unit === '' ? m.value : { value: m.value, unit: m.unit };
  }
  const out: ReadingInput = {
    deviceId: reading.deviceId,
    time: readingTimeIso(reading) ?? reading.timeMs,
    measures,
  };
  if (reading.messageId !== undefined) out.messageId = reading.messageId;
  if (Object.keys(reading.dimensions).length > 0) out.dimensions = { ...reading.dimensions };
  return out;
}

/** An ISO time with nine fractional digits when the reading has sub-millisecond nanoseconds, else `undefined`. */
function readingTimeIso(reading: Reading): string | undefined {
  if (reading.timeSubMsNanos === undefined) return undefined;
  const iso = new Date(reading.timeMs).toISOString(); // 2022-04-19T20:51:00.123Z
  return `${iso.slice(0, -1)}${String(reading.timeSubMsNanos).padStart(6, '0')}Z`;
}

/**
 * Encodes readings as one Kinesis record's data (a JSON array of canonical readings): the ingest packs the
 * readings of one request into one record, and {@link decodeKinesisPayload} reads it back unchanged.
 */
export function encodeReadings(readings: readonly Reading[]): string {
  return JSON.stringify(readings.map(toReadingInput));
}
