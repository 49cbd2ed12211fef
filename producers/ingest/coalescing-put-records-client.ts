import {
  PutRecordsCommand,
  type PutRecordsCommandOutput,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import type { PutRecordsClient } from './kinesis-reading-publisher';

const maxEntriesPerCall = 500;
const maxBytesPerCall = 5 * 1024 * 1024;

interface Waiting {
  readonly streamName: string | undefined;
  readonly entries: readonly PutRecordsRequestEntry[];
  readonly bytes: number;
  readonly resolve: (output: PutRecordsCommandOutput) => void;
  readonly reject: (error: unknown) => void;
}

const entryBytes = (e: PutRecordsRequestEntry) => (e.Data?.length ?? 0) + (e.PartitionKey?.length ?? 0);

/**
 * Merges the PutRecords calls of concurrent requests into shared calls (up to Kinesis's 500 entries and
 * 5 MiB), and hands each caller the results of its own entries, in order. With at most `maxInFlight` calls
 * under way, calls that arrive meanwhile wait and leave together: under load there are fewer, larger calls
 * (less signing, serialising and per-call work on both sides); when idle, a call goes out at once.
 */
export class CoalescingPutRecordsClient implements PutRecordsClient {
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly client: PutRecordsClient,
    private readonly maxInFlight = 4,
  ) {}

  send(
    command: PutRecordsCommand,
    options?: { abortSignal?: AbortSignal },
  ): Promise<PutRecordsCommandOutput> {
    const entries = command.input.Records ?? [];
    if (options?.abortSignal?.aborted) return Promise.reject(options.abortSignal.reason);
    return new Promise((resolve, reject) => {
      const signal = options?.abortSignal;
      const onAbort = () => {
        // still waiting: nothing of it was sent, so it can fail as the caller asked
        const at = this.waiting.indexOf(waiting);
        if (at >= 0) {
          this.waiting.splice(at, 1);
          reject(signal?.reason);
        }
      };
      const waiting: Waiting = {
        streamName: command.input.StreamName,
        entries,
        bytes: entries.reduce((n, e) => n + entryBytes(e), 0),
        resolve: (output) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(output);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiting);
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const first = this.waiting.shift() as Waiting;
      const batch = [first];
      let entries = first.entries.length;
      let bytes = first.bytes;
      for (let i = 0; i < this.waiting.length; ) {
        const next = this.waiting[i] as Waiting;
        if (
          next.streamName === first.streamName &&
          entries + next.entries.length <= maxEntriesPerCall &&
          bytes + next.bytes <= maxBytesPerCall
        ) {
          batch.push(next);
          entries += next.entries.length;
          bytes += next.bytes;
          this.waiting.splice(i, 1);
        } else i++;
      }
      this.inFlight++;
      void this.sendBatch(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async sendBatch(batch: readonly Waiting[]): Promise<void> {
    let output: PutRecordsCommandOutput;
    try {
      output = await this.client.send(
        new PutRecordsCommand({ StreamName: batch[0]?.streamName, Records: batch.flatMap((w) => w.entries) }),
      );
    } catch (error) {
      for (const w of batch) w.reject(error);
      return;
    }
    const results = output.Records ?? [];
    let offset = 0;
    for (const w of batch) {
      const mine = results.slice(offset, offset + w.entries.length);
      offset += w.entries.length;
      w.resolve({
        ...output,
        Records: mine,
        FailedRecordCount: mine.filter((r) => r.ErrorCode !== undefined).length,
      });
    }
  }
}
