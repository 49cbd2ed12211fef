import type { EventSourceRunnerEvent } from '../event-source/runner-events';

type FailedBatch = Extract<EventSourceRunnerEvent, { type: 'batch-succeeded' | 'batch-failed' }>;

/** Why a batch failed, in one line: the writer's partial response, or the invocation's error. */
export function describeFailedBatch(event: FailedBatch): string {
  if (event.error === undefined) {
    return `the writer could not write record ${event.failedIndex ?? '?'} of a ${event.batchSize}-record batch of ${event.shardId} (attempt ${event.attempt})`;
  }
  const error =
    event.error instanceof Error ? `${event.error.name}: ${event.error.message}` : String(event.error);
  return `${event.shardId}, attempt ${event.attempt}: ${error}`;
}

/** `npm start`'s status line: records delivered, and failed batches with the newest one's reason. */
export function deliveryStatus(
  delivered: number,
  failedBatches: number,
  lastFailure: string | undefined,
): string {
  const failures =
    failedBatches === 0
      ? '0 failed batches'
      : `${failedBatches} failed batches retried; the last: ${lastFailure}`;
  return `${delivered} stream records delivered to the writer (${failures})`;
}
