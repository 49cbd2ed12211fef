import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { DeadLetter, DeadLetterSink, StoredDeadLetter } from './dead-letter-sink';

const sqsBatchLimit = 10;

/** Adapter for AWS: dead letters as SQS messages (one per letter, sent 10 at a time). */
export class SqsDeadLetterSink implements DeadLetterSink {
  readonly target: string;

  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {
    this.target = `sqs ${queueUrl}`;
  }

  async send(letters: readonly DeadLetter[]): Promise<void> {
    for (let i = 0; i < letters.length; i += sqsBatchLimit) {
      const batch = letters.slice(i, i + sqsBatchLimit);
      const result = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((letter, j) => ({
            Id: String(j),
            MessageBody: JSON.stringify(letter),
            MessageAttributes: { code: { DataType: 'String', StringValue: letter.code } },
          })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        const first = result.Failed[0];
        throw new Error(
          `SQS refused ${result.Failed.length} dead letter(s) for ${this.queueUrl}: ${first?.Code} ${first?.Message}`,
        );
      }
    }
  }

  /** Receives (and so hides for the visibility timeout) up to `limit` letters. */
  async list(limit: number): Promise<StoredDeadLetter[]> {
    const out: StoredDeadLetter[] = [];
    while (out.length < limit) {
      const result = await this.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: Math.min(sqsBatchLimit, limit - out.length),
          WaitTimeSeconds: 1,
          VisibilityTimeout: 60,
        }),
      );
      const messages = result.Messages ?? [];
      if (messages.length === 0) break;
      for (const m of messages) {
        out.push({ letter: JSON.parse(m.Body ?? '{}') as DeadLetter, handle: m.ReceiptHandle ?? '' });
      }
    }
    return out;
  }

  async remove(handles: readonly string[]): Promise<void> {
    for (let i = 0; i < handles.length; i += sqsBatchLimit) {
      const batch = handles.slice(i, i + sqsBatchLimit);
      const result = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((h, j) => ({ Id: String(j), ReceiptHandle: h })),
        }),
      );
      if (result.Failed && result.Failed.length > 0) {
        throw new Error(`SQS could not delete ${result.Failed.length} dead letter(s) from ${this.queueUrl}`);
      }
    }
  }
}
