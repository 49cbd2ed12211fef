import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { requireIntegerIn } from './errors';
import { metricsNamespace } from './pipeline-function';

export interface PipelineAlarmsProps {
  /** The readings stream (its own iterator age: a mapping that stopped reading emits no Lambda metric). */
  readonly stream: IStream;
  /**
   * The Timestream for LiveAnalytics database whose tables' magnetic-store rejections are watched, and where
   * Timestream puts its reports of them (named in the alarm text).
   * @default - no Timestream alarms (STORAGE=influxdb)
   */
  readonly timestream?: { readonly database: string; readonly rejectedWritesLocation: string };
  readonly writer: IFunction;
  readonly rollup: IFunction;
  /** The schedule group of the rollup schedule (its invocations that EventBridge Scheduler dropped). */
  readonly rollupScheduleGroup: IScheduleGroup;
  /** Rollup runs EventBridge Scheduler gave up on after its retries. */
  readonly rollupDeadLetterQueue: IQueue;
  /** Readings the writer rejected, with their data. */
  readonly deadLetterQueue: IQueue;
  /** Batch metadata of batches the event source gave up on. */
  readonly batchFailureQueue: IQueue;
  /** Where the alarms notify (e.g. an SNS topic action). */
  readonly actions: readonly IAlarmAction[];
  /**
   * The writer's iterator age (how far it lags behind the stream) that raises the alarm.
   * @default Duration.minutes(5)
   */
  readonly maxIteratorAge?: Duration;
  /**
   * Rejected readings per 5 minutes that raise the alarm (`ReadingsDeadLettered`).
   * @default 1
   */
  readonly deadLetteredThreshold?: number;
}

/**
 * The pipeline's alarms: writer lag (the writer's iterator age, and the stream's own, which also fires when
 * nobody reads the stream), writer errors, readings sent to the dead-letter queue (the writer's
 * `ReadingsDeadLettered` metric and the queues' depth), records Timestream rejected in the magnetic store and
 * reports of them it could not upload, failed rollups and rollup runs that EventBridge Scheduler could not
 * deliver (dropped, or sent to the rollup dead-letter queue).
 */
export class PipelineAlarms extends Construct {
  readonly writerIteratorAge: Alarm;
  /** The stream's GetRecords iterator age; missing data (nobody reads the stream) breaches. */
  readonly streamIteratorAge: Alarm;
  /** Records Timestream rejected asynchronously in the magnetic store (reported to S3 only). */
  readonly magneticStoreRejections?: Alarm;
  /** Reports of magnetic-store rejections that Timestream could not upload (permissions, bucket). */
  readonly rejectionReportsNotUploaded?: Alarm;
  /** The same, for failures on Timestream's side. */
  readonly rejectionReportsFailed?: Alarm;
  readonly writerErrors: Alarm;
  readonly readingsDeadLettered: Alarm;
  readonly deadLetterQueueDepth: Alarm;
  readonly batchFailureQueueDepth: Alarm;
  readonly rollupErrors: Alarm;
  readonly rollupInvocationsDropped: Alarm;
  readonly rollupDeadLetterQueueDepth: Alarm;

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const maxIteratorAge = props.maxIteratorAge ?? Duration.minutes(5);
    const maxAgeMs = maxIteratorAge.toMilliseconds();
    requireIntegerIn(
      `${id}.maxIteratorAge (ms)`,
      maxAgeMs,
      1_000,
      7 * 86_400_000,
      'give e.g. Duration.minutes(5)',
    );
    const deadLettered = props.deadLetteredThreshold ?? 1;
    requireIntegerIn(`${id}.deadLetteredThreshold`, deadLettered, 1, 1_000_000);

    const period = Duration.minutes(5);
    const alarm = (
      alarmId: string,
      metric: IMetric,
      threshold: number,
      description: string,
      evaluationPeriods = 1,
      treatMissingData: TreatMissingData = TreatMissingData.NOT_BREACHING,
    ) => {
      const a = new Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData,
        alarmDescription: description,
      });
      for (const action of props.actions) a.addAlarmAction(action);
      return a;
    };

    this.writerIteratorAge = alarm(
      'WriterIteratorAge',
      props.writer.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
      maxAgeMs,
      `The writer lags more than ${maxIteratorAge.toHumanString()} behind the stream: readings are not ` +
        'reaching the store in time (throttling, errors or too little parallelism).',
      3,
    );
    // Lambda reports IteratorAge only when it invokes the writer, so a mapping that stopped reading (disabled,
    // deleted, stuck) is silent there. The event source polls every shard about once a second even when it
    // is idle, so the stream always has this metric while someone reads it: missing data is an alarm.
    this.streamIteratorAge = alarm(
      'StreamIteratorAge',
      props.stream.metricGetRecordsIteratorAgeMilliseconds({
        statistic: 'Maximum',
        period: Duration.minutes(1),
      }),
      maxAgeMs,
      `The oldest unread reading in the stream is more than ${maxIteratorAge.toHumanString()} old, or nobody ` +
        "reads the stream (no GetRecords calls): check the writer's event source mapping " +
        '(aws lambda list-event-source-mappings) and the writer alarms.',
      3,
      TreatMissingData.BREACHING,
    );
    // Timestream reports magnetic-store rejections asynchronously (to S3), never to the writer or the rollup,
    // which count such records as written. Metrics Insights sums them over the database's tables without
    // naming the Operation dimension the service reports them under.
    const timestream = props.timestream;
    const timestreamSum = (metricName: string, t: { database: string }) =>
      new MathExpression({
        expression:
          `SELECT SUM(${metricName}) FROM "AWS/Timestream" ` + `WHERE DatabaseName = '${t.database}'`,
        period,
        label: `${metricName} in ${t.database}`,
        usingMetrics: {},
      });
    if (timestream) {
      this.magneticStoreRejections = alarm(
        'MagneticStoreRejections',
        timestreamSum('MagneticStoreRejectedRecordCount', timestream),
        1,
        `Timestream rejected records written to the magnetic store of ${timestream.database} (a lower or ` +
          `equal version with other values, or older than the retention): the reports are in ` +
          `${timestream.rejectedWritesLocation}; re-run the rollup or replay for the days they name.`,
      );
      this.rejectionReportsNotUploaded = alarm(
        'RejectionReportsNotUploaded',
        timestreamSum('MagneticStoreRejectedUploadUserFailures', timestream),
        1,
        `Timestream could not upload reports of rejected magnetic-store writes to ${timestream.rejectedWritesLocation} ` +
          '(permissions or a deleted bucket): rejected records are not reported anywhere until this is fixed.',
      );
      this.rejectionReportsFailed = alarm(
        'RejectionReportsFailed',
        timestreamSum('MagneticStoreRejectedUploadSystemFailures', timestream),
        1,
        'Timestream failed (on its side) to upload reports of rejected magnetic-store writes: some rejected ' +
          'records are reported nowhere; compare the rollup output with the aggregate table.',
      );
    }
    this.writerErrors = alarm(
      'WriterErrors',
      props.writer.metricErrors({ period }),
      1,
      'The writer Lambda failed invocations: its batches are retried and may end in the batch-failure queue.',
    );
    this.readingsDeadLettered = alarm(
      'ReadingsDeadLettered',
      new Metric({
        namespace: metricsNamespace,
        metricName: 'ReadingsDeadLettered',
        dimensionsMap: { service: 'writer' },
        statistic: 'Sum',
        period,
      }),
      deadLettered,
      'The writer rejected readings and sent them, with their data, to the dead-letter queue.',
    );
    this.deadLetterQueueDepth = alarm(
      'DeadLetterQueueDepth',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period }),
      1,
      'Rejected readings wait in the dead-letter queue: inspect and replay them.',
    );
    this.batchFailureQueueDepth = alarm(
      'BatchFailureQueueDepth',
      props.batchFailureQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period }),
      1,
      'The event source gave up on a batch (retries or record age exhausted): replay its sequence range.',
    );
    this.rollupErrors = alarm(
      'RollupErrors',
      props.rollup.metricErrors({ period: Duration.hours(1) }),
      1,
      'The daily rollup failed: the aggregate table (and the dashboards) miss days until it succeeds.',
    );
    this.rollupInvocationsDropped = alarm(
      'RollupInvocationsDropped',
      props.rollupScheduleGroup.metricDropped({ statistic: 'Sum', period: Duration.hours(1) }),
      1,
      'EventBridge Scheduler gave up invoking the rollup (retries or event age exhausted): no rollup ran.',
    );
    this.rollupDeadLetterQueueDepth = alarm(
      'RollupDeadLetterQueueDepth',
      props.rollupDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period }),
      1,
      'A rollup run could not be delivered after its retries and waits in the rollup dead-letter queue: ' +
        'run npm run rollup -- --from <day> --to <day> --aws for the days it names, then delete the message.',
    );
  }
}
