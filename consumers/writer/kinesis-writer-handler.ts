import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type {
  Context,
  KinesisStreamBatchResponse,
  KinesisStreamEvent,
  KinesisStreamRecord,
} from 'aws-lambda';
import type { BatchWriter, StreamRecord } from './batch-writer';

export interface WriterHandlerDeps {
  readonly writer: BatchWriter;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Time kept back from the invocation's remaining time for reporting. */
  readonly safetyMarginMs?: number;
  /** Upper bound on time spent retrying writes. */
  readonly retryBudgetMs?: number;
}

/** The stream record of a Lambda Kinesis event record. */
export function toStreamRecord(record: KinesisStreamRecord): StreamRecord {
  const shardId = record.eventID.split(':')[0] ?? '';
  return {
    data: record.kinesis.data,
    sequenceNumber: record.kinesis.sequenceNumber,
    partitionKey: record.kinesis.partitionKey,
    shardId,
    approximateArrivalMs: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
    eventSourceArn: record.eventSourceARN,
  };
}

/**
 * The writer Lambda: writes the batch, then lets Powertools' batch processor build the partial batch
 * response from the records that could not be settled (Lambda checkpoints at the lowest failed sequence
 * number and retries from there; a batch where every record failed throws, so that bisect-on-error applies).
 */
export function createWriterHandler(deps: WriterHandlerDeps) {
  const processor = new BatchProcessor(EventType.KinesisDataStreams);
  const { writer, logger, metrics } = deps;
  return async (event: KinesisStreamEvent, context: Context): Promise<KinesisStreamBatchResponse> => {
    const records = event.Records.map(toStreamRecord);
    const first = records[0];
    const last = records.at(-1);
    logger.appendKeys({
      shardId: first?.shardId,
      firstSequenceNumber: first?.sequenceNumber,
      lastSequenceNumber: last?.sequenceNumber,
    });
    const remaining = context.getRemainingTimeInMillis() - (deps.safetyMarginMs ?? 2_000);
    const deadline = Date.now() + Math.max(0, Math.min(remaining, deps.retryBudgetMs ?? remaining));
    try {
      const { failures, summary, deadLetters } = await writer.write(records, { deadline });
      for (const letter of deadLetters) {
        logger.warn('reading dead-lettered', {
          code: letter.code,
          reason: letter.reason,
          sequenceNumber: letter.source.sequenceNumber,
          deadLetterId: letter.id,
        });
      }
      for (const [sequenceNumber, error] of failures) {
        logger.error('record not written, will be retried', { sequenceNumber, error });
      }
      logger.info('batch written', { ...summary });
      metrics.addMetric('KinesisRecords', MetricUnit.Count, summary.records);
      metrics.addMetric('ReadingsIn', MetricUnit.Count, summary.readingsIn);
      metrics.addMetric('ReadingsWritten', MetricUnit.Count, summary.written);
      metrics.addMetric('DuplicatesDropped', MetricUnit.Count, summary.duplicates);
      metrics.addMetric('ReadingsConverted', MetricUnit.Count, summary.converted);
      const deadLettered = Object.values(summary.deadLettered).reduce((a, b) => a + (b ?? 0), 0);
      metrics.addMetric('ReadingsDeadLettered', MetricUnit.Count, deadLettered);
      metrics.addMetric('RecordsFailed', MetricUnit.Count, summary.failedRecords);
      for (const [code, count] of Object.entries(summary.deadLettered)) {
        const single = metrics.singleMetric();
        single.addDimension('reason', code);
        single.addMetric('ReadingsRejected', MetricUnit.Count, count ?? 0);
      }
      return await processPartialResponse(
        event,
        (record: KinesisStreamRecord) => {
          const failure = failures.get(record.kinesis.sequenceNumber);
          if (failure) throw failure;
        },
        processor,
        { context },
      );
    } finally {
      metrics.publishStoredMetrics();
      logger.resetKeys();
    }
  };
}
