/** One measure of a reading. After validation `value` is in `unit`, the measure's canonical unit. */
export type MeasureValue = {
  readonly value: number;
  /** The canonical unit (e.g. `degC`) of the registered measure. */
  readonly unit: string;
  /** What the device sent, kept only when a conversion happened (for dead letters and debugging). */
  readonly original?: { readonly value: number; readonly unit: string };
};

/**
 * A validated sensor reading, whatever format it came in: measures converted into canonical units, time
 * resolved to epoch milliseconds, all Timestream limits checked.
 */
export type Reading = {
  readonly deviceId: string;
  /** Epoch milliseconds (whole). */
  readonly timeMs: number;
  /** Nanoseconds within the millisecond (1..999,999), present only when the source time carried them. */
  readonly timeSubMsNanos?: number;
  /** The sender's id of this message, when given: the dedupe key then (see core/dedupe). */
  readonly messageId?: string;
  /** Extra dimensions besides deviceId (e.g. `{ prefecture: 'Tokyo' }`). */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly measures: Readonly<Record<string, MeasureValue>>;
};

/** What a problem with a reading is, for callers that map problems to responses (e.g. 403 for `device_mismatch`). */
export const IssueCode = {
  /** The body or payload is not valid JSON / NDJSON / base64. */
  invalidJson: 'invalid_json',
  /** Empty body, or no readings in it. */
  empty: 'empty',
  tooManyReadings: 'too_many_readings',
  unsupportedContentType: 'unsupported_content_type',
  invalidType: 'invalid_type',
  missingField: 'missing_field',
  unknownField: 'unknown_field',
  invalidDeviceId: 'invalid_device_id',
  invalidMessageId: 'invalid_message_id',
  invalidName: 'invalid_name',
  reservedName: 'reserved_name',
  nameTooLong: 'name_too_long',
  nameCollision: 'name_collision',
  invalidDimensionValue: 'invalid_dimension_value',
  tooManyDimensions: 'too_many_dimensions',
  noMeasures: 'no_measures',
  tooManyMeasures: 'too_many_measures',
  invalidValue: 'invalid_value',
  invalidUnit: 'invalid_unit',
  unknownUnit: 'unknown_unit',
  unregisteredMeasureUnit: 'unregistered_measure_unit',
  /** A measure name the unit registry does not hold (register it in UNITS_CONFIG). */
  unknownMeasure: 'unknown_measure',
  /** A dimension name not configured in DIMENSIONS (deviceId is the reading's own field). */
  unknownDimension: 'unknown_dimension',
  invalidTime: 'invalid_time',
  timeInFuture: 'time_in_future',
  timeTooOld: 'time_too_old',
  recordTooLarge: 'record_too_large',
  /** The seed body came without a device id from the caller (the endpoint's authenticated token). */
  deviceRequired: 'device_required',
  /** A reading names a device other than the authenticated one (the endpoint answers 403). */
  deviceMismatch: 'device_mismatch',
} as const;
export type IssueCode = (typeof IssueCode)[keyof typeof IssueCode];

/**
 * One problem found in a request body or payload.
 * `path` is the field path, e.g. `[3].measures.temperature.unit` (`[i]` only in batches; `''` for the whole body).
 */
export type ReadingIssue = {
  /** Index of the reading in the batch (array element, or NDJSON non-blank line); absent for a single reading. */
  readonly index?: number;
  /** 1-based line number, for NDJSON bodies. */
  readonly line?: number;
  readonly path: string;
  readonly message: string;
  readonly code: IssueCode;
};

/** The structure of a reading as sent, once its shape is checked (before time, unit and size checks). */
export type ReadingInput = {
  deviceId: string;
  time: string | number;
  messageId?: string;
  dimensions?: Record<string, string>;
  measures: MeasuresInput;
};

/** Measures as sent: a number (in the default unit) or `{ value, unit? }`. */
export type MeasuresInput = Record<string, number | { value: number; unit?: string }>;
