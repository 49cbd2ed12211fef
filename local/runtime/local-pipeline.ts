import { appendFile, mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { startLocalTimestreamModule, timestreamTuningFromEnv } from 'timestream-local';
import { createKinesisClient } from '#adapters/kinesis-client';
import { createTimestreamQueryClient, createTimestreamWriteClient } from '#adapters/service-clients';
import { unitRegistryFromEnv } from '#adapters/unit-registry-from-env';
import { rollupFromConfig } from '#consumers/rollup/rollup-from-config';
import { createScheduledRollup } from '#consumers/rollup/scheduled-rollup';
import { batchWriterFromEnv, influxDbClientFromConfig } from '#consumers/writer/batch-writer-from-env';
import { createWriterHandler } from '#consumers/writer/kinesis-writer-handler';
import { type LogLevel, type PipelineConfig, readPipelineConfig, Storage } from '#core/config';
import { panelSourceFromConfig, startDashboardServer } from '#dashboards/web';
import { resolveTokenSecret, signDeviceToken } from '#producers/auth';
import {
  type EventSourceRunnerEvent,
  eventSourceSettingsFrom,
  startEventSourceRunner,
} from '../event-source';
import { type SupervisedInfluxdb, startSupervisedInfluxdb } from '../influxdb';
import { ensureStream } from '../kinesis';
import { ensureInfluxdbDatabase } from '../provision/ensure-influxdb-database';
import { ensureTimestreamTables } from '../provision/ensure-timestream-tables';
import { parseScheduleExpression, startScheduler } from '../scheduler/schedule-expression';
import { emulatorHost, type LocalSettings, localLogLevel, readLocalSettings } from './local-settings';
import {
  describeServiceEvent,
  type ServiceEvent,
  type ServiceFailedError,
  type SupervisedService,
  startSupervisedService,
} from './service-worker';

/** The services that run on threads of their own, and are restarted when their thread dies. */
export type ServiceThread = 'timestream' | 'kinesis' | 'ingest' | 'influxdb';

export interface LocalPipelineOptions {
  /** Environment to read the pipeline and local settings from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Level of the Powertools logs of the handlers.
   * @default LOG_LEVEL, else POWERTOOLS_LOG_LEVEL, else 'WARN' (localLogLevel)
   */
  readonly logLevel?: LogLevel;
  /** Runner events, e.g. for a status line. */
  readonly onEvent?: (event: EventSourceRunnerEvent) => void;
  /** A service thread died or came back. @default one line on stderr */
  readonly onServiceEvent?: (event: ServiceEvent) => void;
  /**
   * A service thread died and could not be restarted: the pipeline cannot go on (`npm start` closes it and
   * exits non-zero). @default the message on stderr
   */
  readonly onServiceFailed?: (error: ServiceFailedError) => void;
}

export interface LocalPipeline {
  readonly config: PipelineConfig;
  readonly settings: LocalSettings;
  readonly endpoints: {
    readonly ingest: string;
    readonly kinesis: string;
    /** The local Timestream (STORAGE=timestream). */
    readonly timestream?: string;
    /** InfluxDB (STORAGE=influxdb): INFLUXDB_URL, or the influxd that the pipeline started. */
    readonly influxdb?: string;
    /** The web dashboard, on the store STORAGE names. */
    readonly dashboard: string;
  };
  /** A token for `device_1`, for the ready-made curl line. */
  readonly sampleToken: string;
  signToken(deviceId: string): string;
  /** Resolves when every shard's records have been handed to the writer. */
  whenCaughtUp(timeoutMs?: number): Promise<void>;
  /** Runs the rollup now, as the scheduler would at `time`. */
  runRollup(time?: Date): Promise<void>;
  /**
   * Terminates a service's thread abruptly, as a crash would: for tests and drills of the supervision, which
   * reports it and restarts the service on the same endpoint (or gives up, see SERVICE_MAX_RESTARTS).
   */
  terminateService(service: ServiceThread, reason: string): Promise<void>;
  /** Drains the in-flight batch, persists checkpoints, closes every service. */
  close(): Promise<void>;
}

/**
 * The whole pipeline on one machine, in one process: the Kinesis emulator with the stream, the local
 * Timestream with the database and both tables, the event-source runner driving the unchanged writer
 * handler, the scheduler running the rollup on the CDK schedule, and the ingest endpoint. Every name and
 * setting comes from the same configuration as the CDK stack.
 */
export async function startLocalPipeline(options: LocalPipelineOptions = {}): Promise<LocalPipeline> {
  const env = options.env ?? process.env;
  let config = readPipelineConfig(env);
  const influx = config.storage === Storage.influxdb;
  const settings = readLocalSettings(env);
  const logLevel = options.logLevel ?? localLogLevel(env, config);
  await mkdir(settings.dataDir, { recursive: true });
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  const supervision = {
    restarts: settings.restarts,
    onEvent: options.onServiceEvent ?? ((event: ServiceEvent) => console.error(describeServiceEvent(event))),
    onFailed: options.onServiceFailed ?? ((error: ServiceFailedError) => console.error(error.message)),
  };
  try {
    // the two emulators run on threads of their own, so that all parts of the pipeline use both cores; they
    // have no authentication, so they listen on loopback whatever is exposed
    // STORAGE=influxdb: influxd instead of the local Timestream (unless INFLUXDB_URL names a server)
    let influxd: SupervisedInfluxdb | undefined;
    if (influx && config.influxdbUrl === '') {
      influxd = await startSupervisedInfluxdb({
        ...supervision,
        options: { dataDir: join(settings.dataDir, 'influxdb'), port: settings.influxdbPort, env },
      });
      closers.push(() => (influxd as SupervisedInfluxdb).close());
      config = Object.freeze({ ...config, influxdbUrl: influxd.endpoint });
    }
    const timestream = influx
      ? undefined
      : await startSupervisedService({
          ...supervision,
          name: 'local Timestream',
          moduleUrl: startLocalTimestreamModule,
          exportName: 'startLocalTimestream',
          options: {
            port: settings.timestreamPort,
            host: emulatorHost,
            dataDir: join(settings.dataDir, 'timestream'),
            ...(env.TIMESTREAM_FAULTS ? { faults: env.TIMESTREAM_FAULTS } : {}),
            // DuckDB shares the cores with the ingest, kinesalite and the writer here: one thread fewer than the
            // cores (unless TIMESTREAM_DUCKDB_THREADS says otherwise) gave the e2e benchmark a POST-to-queryable
            // p50 of ~1.04 s against ~1.34 s with a thread per core
            threads: Math.max(1, availableParallelism() - 1),
            ...timestreamTuningFromEnv(env),
          },
        });
    if (timestream) closers.push(() => timestream.close());
    const kinesisServer = await startSupervisedService({
      ...supervision,
      name: 'local Kinesis',
      moduleUrl: new URL('../kinesis/local-kinesis.ts', import.meta.url),
      exportName: 'startLocalKinesis',
      options: { port: settings.kinesisPort, host: emulatorHost, dataDir: join(settings.dataDir, 'kinesis') },
    });
    closers.push(() => kinesisServer.close());

    const serviceEndpoints = {
      ...(timestream ? { timestreamEndpoint: timestream.endpoint } : {}),
      kinesisEndpoint: kinesisServer.endpoint,
    };
    const handlerEnv = {
      ...env,
      DATA_DIR: settings.dataDir,
      ...(timestream ? { TIMESTREAM_ENDPOINT: timestream.endpoint } : {}),
      ...(config.influxdbUrl ? { INFLUXDB_URL: config.influxdbUrl } : {}),
      KINESIS_ENDPOINT: kinesisServer.endpoint,
    };
    const kinesis = createKinesisClient(kinesisServer.endpoint);
    closers.push(async () => kinesis.destroy());
    const timestreamWrite = createTimestreamWriteClient(serviceEndpoints);
    closers.push(async () => timestreamWrite.destroy());
    await ensureStream(kinesis, config.streamName, config.streamShardCount);
    if (!influx) await ensureTimestreamTables(timestreamWrite, config);
    else if (config.influxdbTokenSecretArn === '') {
      await ensureInfluxdbDatabase(config);
    }

    // the writer Lambda, as its handler module wires it, but with local clients and a file dead-letter sink
    const writerLogger = new Logger({ serviceName: 'writer', logLevel });
    const metrics = new Metrics({ namespace: 'IotTelemetry', serviceName: 'writer' });
    metrics.setThrowOnEmptyMetrics(false);
    if (!env.POWERTOOLS_METRICS_ENABLED) process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
    const handler = createWriterHandler({
      writer: batchWriterFromEnv(handlerEnv, config, serviceEndpoints),
      logger: writerLogger,
      metrics,
      retryBudgetMs: config.writeRetryBudgetMs,
    });
    const onFailureFile = join(settings.dataDir, 'on-failure.jsonl');
    const runner = await startEventSourceRunner({
      kinesis,
      streamName: config.streamName,
      handler,
      settings: eventSourceSettingsFrom(config),
      checkpointFile: join(settings.dataDir, 'checkpoints.json'),
      onFailure: async (record) => appendFile(onFailureFile, `${JSON.stringify(record)}\n`),
      logger: loggerAdapter(new Logger({ serviceName: 'event-source', logLevel })),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    });
    closers.push(() => runner.stop());

    // the rollup Lambda on the CDK schedule expression, in the rollup time zone
    const timestreamQuery = createTimestreamQueryClient(serviceEndpoints);
    closers.push(async () => timestreamQuery.destroy());
    const rollupLogger = new Logger({ serviceName: 'rollup', logLevel });
    // (on the store STORAGE names, as the Lambda's handler wires it)
    const dailyRollup = rollupFromConfig(config, serviceEndpoints, {
      log: (message, details) => rollupLogger.info(message, details),
      units: unitRegistryFromEnv(handlerEnv),
    });
    closers.push(async () => dailyRollup.close());
    const rollup = createScheduledRollup(dailyRollup, {
      timeZone: config.rollupTimezone,
      lookbackDays: config.rollupLookbackDays,
    });
    const runRollup = async (time = new Date()) => {
      await rollup({ time: time.toISOString() }, { getRemainingTimeInMillis: () => 15 * 60_000 });
    };
    const scheduler = startScheduler(
      parseScheduleExpression(config.rollupSchedule, config.rollupTimezone),
      (scheduled) => runRollup(new Date(scheduled)),
      { onError: (error) => rollupLogger.error('scheduled rollup failed', { error }) },
    );
    closers.push(() => scheduler.stop());

    // the ingest endpoint, with the same app as the ingest Lambda, on a thread of its own
    const secret = await resolveTokenSecret({ env: { ...env, DATA_DIR: settings.dataDir } });
    const ingest = await startSupervisedService({
      ...supervision,
      name: 'ingest',
      moduleUrl: new URL('./local-ingest.ts', import.meta.url),
      exportName: 'startLocalIngest',
      options: {
        env: { ...env, ...(config.influxdbUrl ? { INFLUXDB_URL: config.influxdbUrl } : {}) },
        dataDir: settings.dataDir,
        kinesisEndpoint: kinesisServer.endpoint,
        port: settings.ingestPort,
        host: settings.ingestHost,
        allowedHosts: settings.allowedHosts,
        httpLimits: settings.httpLimits,
        logLevel,
      },
    });
    closers.push(() => ingest.close());
    const threads: Partial<Record<ServiceThread, Pick<SupervisedService, 'terminate'>>> = {
      ...(timestream ? { timestream } : {}),
      ...(influxd ? { influxdb: influxd } : {}),
      kinesis: kinesisServer,
      ingest,
    };

    // the local web dashboard: the panels of the store's Grafana dashboard, with its queries, on that store
    const dashboard = await startDashboardServer({
      port: settings.dashboardPort,
      host: settings.dashboardHost,
      allowedHosts: settings.allowedHosts,
      limits: settings.httpLimits,
      source: panelSourceFromConfig(
        config,
        {
          timestreamQuery: () => timestreamQuery,
          influxdb: () => influxDbClientFromConfig(config, serviceEndpoints),
        },
        unitRegistryFromEnv(handlerEnv),
      ),
      rollupSchedule: config.rollupSchedule,
      rollupTimezone: config.rollupTimezone,
    });
    closers.push(() => dashboard.close());

    return {
      config,
      settings,
      endpoints: {
        ingest: ingest.endpoint,
        kinesis: kinesisServer.endpoint,
        ...(timestream ? { timestream: timestream.endpoint } : {}),
        ...(config.influxdbUrl ? { influxdb: config.influxdbUrl } : {}),
        dashboard: dashboard.url,
      },
      sampleToken: signDeviceToken('device_1', secret),
      signToken: (deviceId) => signDeviceToken(deviceId, secret),
      whenCaughtUp: (timeoutMs) => runner.whenCaughtUp(timeoutMs),
      runRollup,
      terminateService: async (service, reason) => {
        const thread = threads[service];
        if (!thread)
          throw new Error(
            `the service "${service}" does not run in this pipeline (STORAGE=${config.storage})`,
          );
        await thread.terminate(reason);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Powertools' Logger behind the runner's plain logger port. */
function loggerAdapter(logger: Logger) {
  return {
    info: (message: string, extra?: Record<string, unknown>) => logger.info(message, extra ?? {}),
    warn: (message: string, extra?: Record<string, unknown>) => logger.warn(message, extra ?? {}),
    error: (message: string, extra?: Record<string, unknown>) => logger.error(message, extra ?? {}),
  };
}
