import type { RestartPolicy } from '../runtime/local-settings';
import { type ServiceEvent, ServiceFailedError } from '../runtime/service-worker';
import { type LocalInfluxdb, type LocalInfluxdbOptions, startLocalInfluxdb } from './local-influxdb';

/** What {@link startSupervisedInfluxdb} starts and how it watches it. */
export interface SupervisedInfluxdbSpec {
  readonly options: Omit<LocalInfluxdbOptions, 'onExit'>;
  readonly restarts: RestartPolicy;
  readonly onEvent: (event: ServiceEvent) => void;
  readonly onFailed: (error: ServiceFailedError) => void;
}

/** The supervised influxd: its endpoint stays the same across restarts. */
export interface SupervisedInfluxdb {
  readonly endpoint: string;
  readonly port: number;
  readonly version: string;
  readonly restarts: number;
  /** Kills influxd as a crash would (SIGKILL); the supervisor reports it and restarts it. */
  terminate(reason: string): Promise<void>;
  close(): Promise<void>;
}

const name = 'local InfluxDB';

/**
 * influxd under the local runtime's supervision, as the service threads are (`startSupervisedService`): when
 * the process dies, the death is reported with its reason (exit code or signal and its last log lines) and it
 * is started again on the same port with the same data directory; after `restarts.maxRestarts` restarts
 * within `restarts.windowMs`, or when a restart fails, `onFailed` is told and `npm start` stops.
 */
export async function startSupervisedInfluxdb(spec: SupervisedInfluxdbSpec): Promise<SupervisedInfluxdb> {
  let closing = false;
  let restarts = 0;
  const restartTimes: number[] = [];
  let terminationReason: string | undefined;
  let restarting: Promise<void> | undefined;
  let current: LocalInfluxdb;

  const start = (port: number | undefined) =>
    startLocalInfluxdb({
      ...spec.options,
      ...(port !== undefined ? { port } : {}),
      onExit: (reason) => {
        if (closing) return;
        const why = terminationReason ?? reason;
        terminationReason = undefined;
        restarting = restart(why);
      },
    });

  current = await start(spec.options.port);
  const { endpoint, port, version } = current;

  const restart = async (reason: string) => {
    spec.onEvent({ type: 'died', service: name, endpoint, reason });
    const now = Date.now();
    while (restartTimes.length > 0 && now - restartTimes[0]! >= spec.restarts.windowMs) restartTimes.shift();
    if (restartTimes.length >= spec.restarts.maxRestarts) {
      spec.onFailed(
        new ServiceFailedError(
          `${name} (${endpoint}) stopped: ${reason}. It was restarted ${restartTimes.length} times within ` +
            `${spec.restarts.windowMs / 1000} s already (SERVICE_MAX_RESTARTS=${spec.restarts.maxRestarts}, ` +
            `SERVICE_RESTART_WINDOW_MS=${spec.restarts.windowMs}): giving up. Find the cause in the lines above, ` +
            'then start again (its data is kept in DATA_DIR).',
          name,
          reason,
        ),
      );
      return;
    }
    restartTimes.push(now);
    try {
      const next = await start(port);
      if (closing) {
        await next.close();
        return;
      }
      current = next;
      restarts++;
      spec.onEvent({
        type: 'restarted',
        service: name,
        endpoint,
        restart: restarts,
        tookMs: Date.now() - now,
      });
    } catch (error) {
      spec.onFailed(
        new ServiceFailedError(
          `${name} (${endpoint}) stopped: ${reason}. It could not be restarted: ` +
            `${error instanceof Error ? error.message : String(error)}`,
          name,
          reason,
          { cause: error },
        ),
      );
    }
  };

  return {
    endpoint,
    port,
    version,
    get restarts() {
      return restarts;
    },
    async terminate(reason) {
      terminationReason = `terminated (${reason})`;
      current.kill();
    },
    async close() {
      closing = true;
      await restarting;
      await current.close();
    },
  };
}
