import { z } from 'zod';
import type { PipelineConfig } from '#core/config';
import { EventSourceSettingsError } from './errors';

/** Where a shard without a checkpoint starts (Lambda's StartingPosition). */
const StartingPosition = {
  trimHorizon: 'TRIM_HORIZON',
  latest: 'LATEST',
  atTimestamp: 'AT_TIMESTAMP',
} as const;
export type StartingPosition = (typeof StartingPosition)[keyof typeof StartingPosition];

/**
 * The tuning of an event source mapping for Kinesis, with Lambda's names (camelCase) and ranges. The local runner
 * and the CDK stack both take them from {@link eventSourceSettingsFrom}, so that both behave alike.
 */
export interface EventSourceSettings {
  /** Records per invocation, 1..10000. */
  readonly batchSize: number;
  /** Seconds to gather records before invoking, 0..300. */
  readonly maximumBatchingWindowInSeconds: number;
  /** Concurrent batches per shard, 1..10 (the local runner always runs 1). */
  readonly parallelizationFactor: number;
  /** Split a failing batch in halves before retrying (splits do not use up retries). */
  readonly bisectBatchOnFunctionError: boolean;
  /** Retries after a function error, -1 (until the records expire) or 0..10000. */
  readonly maximumRetryAttempts: number;
  /** Records older than this are skipped and reported: -1 (no limit, i.e. the stream's retention) or 60..604800. */
  readonly maximumRecordAgeInSeconds: number;
  /** FunctionResponseTypes ['ReportBatchItemFailures']: honour `{batchItemFailures}` answers. */
  readonly reportBatchItemFailures: boolean;
  readonly startingPosition: StartingPosition;
  /** Required with AT_TIMESTAMP. */
  readonly startingPositionTimestamp?: Date;
  /** The function timeout, 1..900 s. */
  readonly functionTimeoutSeconds: number;
}

const int = (min: number, max: number) =>
  z
    .number()
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

const settingsSchema = z
  .object({
    batchSize: int(1, 10_000),
    maximumBatchingWindowInSeconds: z.number().min(0, 'must be at least 0').max(300, 'must be at most 300'),
    parallelizationFactor: int(1, 10),
    bisectBatchOnFunctionError: z.boolean(),
    maximumRetryAttempts: int(-1, 10_000),
    maximumRecordAgeInSeconds: z
      .number()
      .int('must be a whole number')
      .refine((v) => v === -1 || (v >= 60 && v <= 604_800), 'must be -1 (no limit) or 60..604800'),
    reportBatchItemFailures: z.boolean(),
    startingPosition: z.enum(['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']),
    startingPositionTimestamp: z.date().optional(),
    functionTimeoutSeconds: z.number().min(0.001, 'must be more than 0').max(900, 'must be at most 900'),
  })
  .refine((s) => s.startingPosition !== 'AT_TIMESTAMP' || s.startingPositionTimestamp !== undefined, {
    message: 'is required when startingPosition is AT_TIMESTAMP',
    path: ['startingPositionTimestamp'],
  });

/**
 * Checks settings against Lambda's ranges. Fails with an {@link EventSourceSettingsError} listing every
 * setting that is wrong, its value and what is allowed.
 */
export function parseEventSourceSettings(input: EventSourceSettings): EventSourceSettings {
  const parsed = settingsSchema.safeParse(input);
  if (parsed.success) return input;
  throw new EventSourceSettingsError(
    parsed.error.issues.map((issue) => {
      const key = issue.path.join('.');
      const value = (input as unknown as Record<string, unknown>)[key];
      return `${key}=${JSON.stringify(value)}: ${issue.message}`;
    }),
  );
}

/**
 * The writer's event source settings from the shared pipeline configuration (writerBatchSize,
 * writerBatchingWindowSeconds, ...). The writer answers partial batch responses, hence
 * `reportBatchItemFailures: true`; replays read from the oldest record, hence TRIM_HORIZON.
 *
 * @example
 * const settings = eventSourceSettingsFrom(readPipelineConfig(process.env));
 * // { batchSize: 500, maximumBatchingWindowInSeconds: 1, ..., startingPosition: 'TRIM_HORIZON' }
 */
export function eventSourceSettingsFrom(
  config: Pick<
    PipelineConfig,
    | 'writerBatchSize'
    | 'writerBatchingWindowSeconds'
    | 'writerParallelizationFactor'
    | 'writerBisectOnError'
    | 'writerMaxRetryAttempts'
    | 'writerMaxRecordAgeSeconds'
    | 'writerTimeoutSeconds'
  >,
): EventSourceSettings {
  return {
    batchSize: config.writerBatchSize,
    maximumBatchingWindowInSeconds: config.writerBatchingWindowSeconds,
    parallelizationFactor: config.writerParallelizationFactor,
    bisectBatchOnFunctionError: config.writerBisectOnError,
    maximumRetryAttempts: config.writerMaxRetryAttempts,
    maximumRecordAgeInSeconds: config.writerMaxRecordAgeSeconds,
    reportBatchItemFailures: true,
    startingPosition: StartingPosition.trimHorizon,
    functionTimeoutSeconds: config.writerTimeoutSeconds,
  };
}
