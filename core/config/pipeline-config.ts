import { z } from 'zod';
import { defaultRegion, pricesByRegion } from '../cost/prices';
import { dimensionNameProblem } from '../reading/field-rules';
import { builtInMeasures } from '../units/measure-definitions';
import { ConfigError } from './errors';

/**
 * The one configuration shared by the CDK stack (`infra/`) and the local runtime (`infra/local/`):
 * resource names, retention, schedules, event-source tuning and the record layout. Both read it through
 * {@link readPipelineConfig}, so that AWS and local cannot drift.
 */

export const RecordLayout = { multi: 'multi', single: 'single' } as const;
export type RecordLayout = (typeof RecordLayout)[keyof typeof RecordLayout];

export const StreamMode = { onDemand: 'ON_DEMAND', provisioned: 'PROVISIONED' } as const;
export type StreamMode = (typeof StreamMode)[keyof typeof StreamMode];

/**
 * How Timestream bills this account's queries: `tcu` (query compute in TCU-hours, the default for accounts
 * onboarded since 2024-04-29) or `bytes` (bytes scanned, 10 MB minimum per query; older accounts).
 */
export const QueryBilling = { tcu: 'tcu', bytes: 'bytes' } as const;
export type QueryBilling = (typeof QueryBilling)[keyof typeof QueryBilling];

/**
 * Where readings are stored: Amazon Timestream for LiveAnalytics (the default), or an InfluxDB server through
 * its v1-compatible write and InfluxQL query APIs (Amazon Timestream for InfluxDB, InfluxDB 1.x/2/3).
 */
export const Storage = { timestream: 'timestream', influxdb: 'influxdb' } as const;
export type Storage = (typeof Storage)[keyof typeof Storage];

/**
 * The level of the functions' Powertools logs (`POWERTOOLS_LOG_LEVEL`), Powertools' own levels from the most
 * verbose to none. At WARN and above the handlers' INFO line per request ('readings accepted', 'batch
 * written') is not written, which is most of the CloudWatch Logs bill at fleet scale (`npm run cost`).
 */
export const LogLevel = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  critical: 'CRITICAL',
  silent: 'SILENT',
} as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** Defaults, also the documented values in README's configuration reference. */
export const defaults = {
  streamName: 'readings',
  streamMode: StreamMode.onDemand,
  // an on-demand stream starts with 4 shards: provisioned and local streams default to the same
  streamShardCount: 4,
  streamRetentionHours: 168,
  database: 'RoomCondition',
  rawTable: 'conditions',
  aggregateTable: 'conditions_daily',
  rawMemoryRetentionHours: 24,
  rawMagneticRetentionDays: 3650,
  // aggregateMemoryHoursFor(rollupLookbackDays): the rollup's rows must land in the memory store
  aggregateMemoryRetentionHours: 96,
  aggregateMagneticRetentionDays: 3650,
  recordLayout: RecordLayout.multi,
  dedupeCacheSize: 100_000,
  writeConcurrency: 4,
  writeRetryBudgetMs: 20_000,
  // Lambda's own defaults: one ingest record carries up to 500 readings, so 100 records is plenty per call
  writerBatchSize: 100,
  writerBatchingWindowSeconds: 0,
  writerParallelizationFactor: 1,
  writerBisectOnError: true,
  writerMaxRetryAttempts: 10,
  writerMaxRecordAgeSeconds: 86_400,
  writerTimeoutSeconds: 60,
  rollupSchedule: 'cron(15 0 * * ? *)',
  rollupTimezone: 'UTC',
  rollupLookbackDays: 2,
  ingestMaxBodyBytes: 1_048_576,
  ingestMaxReadings: 500,
  // the ingest function has 29 s (API Gateway's limit): a publish that cannot finish is answered 503 in time
  ingestPublishTimeoutMs: 5_000,
  // what the dashboard says a query costs: new accounts are billed for query compute, not bytes scanned
  timestreamQueryBilling: QueryBilling.tcu,
  // USD per TCU-hour, on-demand, from the dated price file (core/cost/prices.ts) that `npm run cost` uses;
  // other regions differ: set TIMESTREAM_TCU_HOUR_USD to your region's price
  timestreamTcuHourUsd: (pricesByRegion[defaultRegion] as { timestream: { perTcuHour: number } }).timestream
    .perTcuHour,
  // where a room sensor is: the seed article's prefecture, then site (campus, address), building, floor,
  // room and zone (a part of a room or an outdoor area); deviceId is always a dimension besides these
  dimensions: Object.freeze(['prefecture', 'site', 'building', 'floor', 'room', 'zone'] as const),
  storage: Storage.timestream,
  // InfluxDB (STORAGE=influxdb); '' is unset, as an empty variable is (so the CDK app's environment of the
  // functions reads back the same): no URL = `npm start` runs influxd itself; no database = `database`
  influxdbUrl: '',
  influxdbDatabase: '',
  influxdbToken: '',
  influxdbTokenSecretArn: '',
  // Powertools' own default: the functions log their INFO lines, as before LOG_LEVEL existed
  logLevel: LogLevel.info,
  // active X-Ray tracing on every function (the stack's `tracing` prop defaulted to it before TRACING existed)
  tracing: true,
} as const;

const positiveInt = (max?: number) => {
  let s = z.coerce.number().int('must be a whole number').min(1, 'must be at least 1');
  if (max !== undefined) s = s.max(max, `must be at most ${max}`);
  return s;
};
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
/** A switch: on/off, or true/false and 1/0 as the other boolean settings read. */
const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'], { error: 'must be on or off (or true/false, 1/0)' })
  .transform((v) => v === 'on' || v === 'true' || v === '1');
/** A Powertools log level in any letter case (Powertools upper-cases it), kept upper-case. */
const logLevel = z
  .string()
  .trim()
  .toUpperCase()
  .pipe(
    z.enum(Object.values(LogLevel), {
      error: `must be one of ${Object.values(LogLevel).join(', ')} (any letter case)`,
    }),
  );
/** Timestream names: 3..256 characters of letters, digits, '_', '-', '.' (the service's own rule). */
const timestreamName = z
  .string()
  .regex(/^[a-zA-Z0-9_.-]{3,256}$/, "must be 3..256 characters of letters, digits, '_', '-' or '.'");
const streamName = z
  .string()
  .regex(/^[a-zA-Z0-9_.-]{1,128}$/, "must be 1..128 characters of letters, digits, '_', '-' or '.'");
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as UTC, Asia/Tokyo or Europe/Berlin');
const schedule = z
  .string()
  .regex(
    /^(cron\(.+\)|rate\(\d+ (minute|minutes|hour|hours|day|days)\))$/,
    'must be cron(...) or rate(N unit)',
  );

/**
 * The largest request body the ingest may accept: 4 MiB. On AWS, API Gateway passes the body to the ingest
 * Lambda inside a synchronous invocation whose whole event must fit 6 MB (6,291,456 bytes); a body that is
 * not text arrives base64-encoded (4/3 larger: 4 MiB -> 5,592,408 bytes), next to the request's headers and
 * context. A larger limit would be accepted by the ingest and refused by Lambda before it runs.
 */
export const maxIngestBodyBytes = 4 * 1_048_576;

/** The longest `ROLLUP_LOOKBACK_DAYS` whose aggregate memory store fits Timestream's 8766 hours. */
const maxLookbackDays = 363;

/**
 * The shortest memory-store retention (hours) of the aggregate table for a rollup lookback. A scheduled run
 * writes rows stamped at the start of zone days up to `lookbackDays + 1` days before it (the oldest day of
 * the lookback, seen from the end of today); one more day covers a 25-hour DST day, the schedule's retries
 * (up to 2 hours) and the run. A row older than the memory store goes to the magnetic store: queryable only
 * hours later, and its rejections are reported only to S3, so the rollup would count it as written.
 *
 * @example
 * aggregateMemoryHoursFor(2); // 96
 */
export function aggregateMemoryHoursFor(lookbackDays: number): number {
  return (lookbackDays + 2) * 24;
}

/**
 * InfluxDB database names (InfluxDB 3's rule, which also suits 1.x and 2's DBRP mappings): 1..64 letters,
 * digits, '_' or '-', a letter or digit first.
 */
const influxdbDatabaseName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
    "must be 1..64 letters, digits, '_' or '-', starting with a letter or digit",
  );

/** The dimension that every record carries, set from the reading's own `deviceId` field. */
const deviceIdName = 'deviceId';

/**
 * `DIMENSIONS`: the dimension names readings may carry besides deviceId, comma-separated. Each must be a
 * valid name (letters, digits, '_', a letter or '_' first, at most 60 bytes, not reserved), no two may differ
 * only in letter case (Timestream and DuckDB compare column names that way), and none may be a built-in
 * measure. `deviceId` may be listed (it is always a dimension); listed alone it means "no other dimension".
 * Measures added by UNITS_CONFIG are checked against this list when the fleet schema is built
 * (`createFleetSchema`), as the units file is read apart from this configuration.
 */
const dimensionList = z.string().transform((text, ctx) => {
  const names: string[] = [];
  const seen = new Map<string, string>();
  const builtIn = new Map(Object.keys(builtInMeasures.measures).map((m) => [m.toLowerCase(), m]));
  for (const raw of text.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    const lower = name.toLowerCase();
    if (name === deviceIdName) continue;
    const problem = (message: string) => ctx.addIssue({ code: 'custom', message: `"${name}": ${message}` });
    if (lower === deviceIdName.toLowerCase()) {
      problem('differs from deviceId only in letter case (deviceId is always a dimension; leave it out)');
      continue;
    }
    const rule = dimensionNameProblem(name);
    if (rule) {
      problem(rule.message);
      continue;
    }
    const twin = seen.get(lower);
    if (twin !== undefined) {
      problem(
        twin === name
          ? 'is listed twice'
          : `differs from "${twin}" only in letter case, and Timestream compares names that way: keep one`,
      );
      continue;
    }
    const measure = builtIn.get(lower);
    if (measure !== undefined) {
      problem(
        `is the built-in measure "${measure}": a name is either a measure or a dimension; pick another dimension name`,
      );
      continue;
    }
    seen.set(lower, name);
    names.push(name);
  }
  if (names.length + 1 > 128) {
    ctx.addIssue({
      code: 'custom',
      message: `${names.length} dimensions plus deviceId (Timestream allows 128 per table)`,
    });
  }
  return Object.freeze(names);
});

/** Each setting: its environment variable, its schema and its default. */
const settings = {
  streamName: { env: 'STREAM_NAME', schema: streamName },
  streamMode: { env: 'STREAM_MODE', schema: z.enum(['ON_DEMAND', 'PROVISIONED']) },
  streamShardCount: { env: 'STREAM_SHARD_COUNT', schema: positiveInt(500) },
  streamRetentionHours: {
    env: 'STREAM_RETENTION_HOURS',
    schema: z.coerce.number().int().min(24, 'must be at least 24').max(8760, 'must be at most 8760'),
  },
  database: { env: 'TIMESTREAM_DATABASE', schema: timestreamName },
  rawTable: { env: 'RAW_TABLE', schema: timestreamName },
  aggregateTable: { env: 'AGGREGATE_TABLE', schema: timestreamName },
  rawMemoryRetentionHours: { env: 'RAW_MEMORY_RETENTION_HOURS', schema: positiveInt(8766) },
  rawMagneticRetentionDays: { env: 'RAW_MAGNETIC_RETENTION_DAYS', schema: positiveInt(73000) },
  aggregateMemoryRetentionHours: { env: 'AGGREGATE_MEMORY_RETENTION_HOURS', schema: positiveInt(8766) },
  aggregateMagneticRetentionDays: { env: 'AGGREGATE_MAGNETIC_RETENTION_DAYS', schema: positiveInt(73000) },
  recordLayout: { env: 'RECORD_LAYOUT', schema: z.enum(['multi', 'single']) },
  dedupeCacheSize: { env: 'DEDUPE_CACHE_SIZE', schema: z.coerce.number().int().min(0).max(10_000_000) },
  writeConcurrency: { env: 'WRITE_CONCURRENCY', schema: positiveInt(64) },
  writeRetryBudgetMs: { env: 'WRITE_RETRY_BUDGET_MS', schema: positiveInt(900_000) },
  writerBatchSize: { env: 'WRITER_BATCH_SIZE', schema: positiveInt(10_000) },
  writerBatchingWindowSeconds: {
    env: 'WRITER_BATCHING_WINDOW_SECONDS',
    schema: z.coerce.number().int().min(0).max(300, 'must be at most 300'),
  },
  writerParallelizationFactor: { env: 'WRITER_PARALLELIZATION_FACTOR', schema: positiveInt(10) },
  writerBisectOnError: { env: 'WRITER_BISECT_ON_ERROR', schema: bool },
  writerMaxRetryAttempts: {
    env: 'WRITER_MAX_RETRY_ATTEMPTS',
    schema: z.coerce.number().int().min(-1).max(10_000, 'must be -1 (until expiry) or 0..10000'),
  },
  writerMaxRecordAgeSeconds: {
    env: 'WRITER_MAX_RECORD_AGE_SECONDS',
    schema: z.coerce
      .number()
      .int()
      .refine((v) => v === -1 || (v >= 60 && v <= 604_800), 'must be -1 (no limit) or 60..604800'),
  },
  writerTimeoutSeconds: { env: 'WRITER_TIMEOUT_SECONDS', schema: positiveInt(900) },
  rollupSchedule: { env: 'ROLLUP_SCHEDULE', schema: schedule },
  rollupTimezone: { env: 'ROLLUP_TIMEZONE', schema: timeZone },
  rollupLookbackDays: {
    env: 'ROLLUP_LOOKBACK_DAYS',
    schema: positiveInt().max(
      maxLookbackDays,
      `must be at most ${maxLookbackDays} (the aggregate table keeps lookback + 2 days in its memory store, at most 8766 hours)`,
    ),
  },
  ingestMaxBodyBytes: {
    env: 'INGEST_MAX_BODY_BYTES',
    schema: positiveInt().max(
      maxIngestBodyBytes,
      `must be at most ${maxIngestBodyBytes} (4 MiB): on AWS the body reaches the ingest Lambda base64-encoded (4/3 larger) inside a synchronous invocation limited to 6 MB`,
    ),
  },
  ingestMaxReadings: { env: 'INGEST_MAX_READINGS', schema: positiveInt(10_000) },
  ingestPublishTimeoutMs: {
    env: 'INGEST_PUBLISH_TIMEOUT_MS',
    schema: z.coerce
      .number()
      .int('must be a whole number')
      .min(100, 'must be at least 100')
      .max(25_000, "must be at most 25000 (the ingest function's 29 s timeout leaves room to answer 503)"),
  },
  timestreamQueryBilling: {
    env: 'TIMESTREAM_QUERY_BILLING',
    schema: z.enum(['tcu', 'bytes'], {
      error: 'must be tcu (query compute, accounts onboarded since 2024-04-29) or bytes (bytes scanned)',
    }),
  },
  timestreamTcuHourUsd: {
    env: 'TIMESTREAM_TCU_HOUR_USD',
    schema: z.coerce
      .number('must be a price in USD, e.g. 0.5')
      .positive('must be a price in USD above 0, e.g. 0.5')
      .max(100, 'must be at most 100 (USD per TCU-hour)'),
  },
  dimensions: { env: 'DIMENSIONS', schema: dimensionList },
  storage: { env: 'STORAGE', schema: z.enum(['timestream', 'influxdb']) },
  influxdbUrl: {
    env: 'INFLUXDB_URL',
    schema: z
      .string()
      .regex(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, 'must be an http(s) URL such as http://127.0.0.1:8086')
      .transform((url) => url.replace(/\/+$/, '')),
  },
  influxdbDatabase: { env: 'INFLUXDB_DATABASE', schema: influxdbDatabaseName },
  influxdbToken: { env: 'INFLUXDB_TOKEN', schema: z.string() },
  influxdbTokenSecretArn: {
    env: 'INFLUXDB_TOKEN_SECRET_ARN',
    schema: z
      .string()
      .regex(
        /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/,
        'must be the ARN of a Secrets Manager secret (arn:aws:secretsmanager:<region>:<account>:secret:<name>)',
      ),
  },
  logLevel: { env: 'LOG_LEVEL', schema: logLevel },
  tracing: { env: 'TRACING', schema: onOff },
} satisfies Record<keyof typeof defaults, { env: string; schema: z.ZodType }>;

type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly string[]
        ? readonly string[]
        : T;
export type PipelineConfig = {
  readonly [K in keyof typeof defaults]: K extends 'recordLayout'
    ? RecordLayout
    : K extends 'streamMode'
      ? StreamMode
      : K extends 'timestreamQueryBilling'
        ? QueryBilling
        : K extends 'storage'
          ? Storage
          : K extends 'logLevel'
            ? LogLevel
            : Widen<(typeof defaults)[K]>;
};

/** The environment variable that sets each configuration key (for docs and error messages). */
export const configEnvNames: { readonly [K in keyof PipelineConfig]: string } = Object.fromEntries(
  Object.entries(settings).map(([k, v]) => [k, v.env]),
) as { [K in keyof PipelineConfig]: string };

/** One setting's raw value through its schema: the value, or the problem as readPipelineConfig words it. */
function parseSetting(
  schema: z.ZodType,
  name: string,
  raw: string,
): { ok: true; value: unknown } | { ok: false; problem: string } {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const reason = parsed.error.issues.map((i) => i.message).join('; ');
  return { ok: false, problem: `${name}=${JSON.stringify(raw)}: ${reason}` };
}

/**
 * A Powertools log level read from another variable than LOG_LEVEL (the local runtime reads
 * POWERTOOLS_LOG_LEVEL) by LOG_LEVEL's rules: any letter case, kept upper-case; a {@link ConfigError} naming
 * the variable otherwise.
 */
export function readLogLevel(name: string, raw: string): LogLevel {
  const parsed = parseSetting(logLevel, name, raw);
  if (!parsed.ok) throw new ConfigError([parsed.problem]);
  return parsed.value as LogLevel;
}

/**
 * Reads the pipeline configuration from environment variables (unset ones take {@link defaults}).
 * Fails with a {@link ConfigError} that lists every bad variable, its value and what is allowed.
 *
 * @example
 * const config = readPipelineConfig(process.env);
 * config.rawTable; // 'conditions'
 */
export function readPipelineConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): PipelineConfig {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, { env: name, schema }] of Object.entries(settings)) {
    const raw = env[name];
    if (raw === undefined || raw === '') {
      out[key] = defaults[key as keyof typeof defaults];
      continue;
    }
    const parsed = parseSetting(schema as z.ZodType, name, raw);
    if (parsed.ok) out[key] = parsed.value;
    else problems.push(parsed.problem);
  }
  if (problems.length === 0) problems.push(...sizeAggregateMemory(env, out));
  if (out.storage === Storage.influxdb) problems.push(...influxdbProblems(out, env));
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(out) as PipelineConfig;
}

/**
 * Sizes the aggregate table's memory store from the rollup lookback: unset, it is
 * {@link aggregateMemoryHoursFor}(lookback); set below that, it is a problem (the rollup's rows would all be
 * magnetic-store writes).
 */
function sizeAggregateMemory(
  env: Readonly<Record<string, string | undefined>>,
  out: Record<string, unknown>,
): string[] {
  const lookback = out.rollupLookbackDays as number;
  const needed = aggregateMemoryHoursFor(lookback);
  const name = settings.aggregateMemoryRetentionHours.env;
  if (env[name] === undefined || env[name] === '') {
    out.aggregateMemoryRetentionHours = needed;
    return [];
  }
  const hours = out.aggregateMemoryRetentionHours as number;
  if (hours >= needed) return [];
  return [
    `${name}=${JSON.stringify(env[name])}: must be at least ${needed} with ` +
      `${settings.rollupLookbackDays.env}=${lookback} (the rollup rewrites days up to ${lookback + 1} days old; ` +
      'rows older than the memory store go to the magnetic store, queryable only hours later, and their ' +
      `rejections are reported only to S3): raise it to ${needed}, unset it, or lower ${settings.rollupLookbackDays.env}`,
  ];
}

/** With STORAGE=influxdb: one token source at most, and a database name InfluxDB takes. */
function influxdbProblems(
  out: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const problems: string[] = [];
  if (out.influxdbToken !== '' && out.influxdbTokenSecretArn !== '') {
    problems.push(
      `${settings.influxdbToken.env} and ${settings.influxdbTokenSecretArn.env} are both set: ` +
        'set one (the token as text locally, the Secrets Manager secret on AWS)',
    );
  }
  const name = env[settings.influxdbDatabase.env];
  if ((name === undefined || name === '') && typeof out.database === 'string') {
    if (!influxdbDatabaseName.safeParse(out.database).success) {
      problems.push(
        `${settings.database.env}=${JSON.stringify(out.database)}: is also the InfluxDB database name when ` +
          `${settings.influxdbDatabase.env} is unset, and InfluxDB needs 1..64 letters, digits, '_' or '-': ` +
          `set ${settings.influxdbDatabase.env}`,
      );
    }
  }
  return problems;
}
