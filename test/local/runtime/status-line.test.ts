import { describe, expect, it } from 'vitest';
import { deliveryStatus, describeFailedBatch } from '#local/runtime/status-line';

const batch = {
  type: 'batch-failed' as const,
  shardId: 'shardId-000000000001',
  batchSize: 100,
  firstSequenceNumber: '1',
  lastSequenceNumber: '100',
  attempt: 3,
  awsRequestId: 'r',
  durationMs: 12,
};

describe("npm start's status line", () => {
  it('says why the newest batch failed: the invocation error, or the record the writer could not write', () => {
    const thrown = describeFailedBatch({ ...batch, error: new TypeError('fetch failed') });
    expect(thrown).toBe('shardId-000000000001, attempt 3: TypeError: fetch failed');
    const partial = describeFailedBatch({ ...batch, failedIndex: 42 });
    expect(partial).toBe(
      'the writer could not write record 42 of a 100-record batch of shardId-000000000001 (attempt 3)',
    );
    expect(deliveryStatus(5000, 2, partial)).toBe(
      `5000 stream records delivered to the writer (2 failed batches retried; the last: ${partial})`,
    );
    expect(deliveryStatus(5000, 0, undefined)).toBe(
      '5000 stream records delivered to the writer (0 failed batches)',
    );
  });
});
