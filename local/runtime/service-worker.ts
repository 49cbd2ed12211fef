import { Worker } from 'node:worker_threads';
import type { RestartPolicy } from './local-settings';

/** A local service running on its own thread: its endpoint, and how to stop it. */
export interface WorkerService {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
}

/** A service thread watched by its supervisor: restarted on the same endpoint when it dies. */
export interface SupervisedService extends WorkerService {
  /** Times the thread was restarted so far. */
  readonly restarts: number;
  /**
   * Terminates the thread abruptly, as a crash would (no close, no flush), for tests and drills of the
   * supervision: the supervisor logs `reason`, then restarts the service or gives up.
   */
  terminate(reason: string): Promise<void>;
}

/** What the supervisor reports about a service thread. */
export type ServiceEvent =
  | { readonly type: 'died'; readonly service: string; readonly endpoint: string; readonly reason: string }
  | {
      readonly type: 'restarted';
      readonly service: string;
      readonly endpoint: string;
      readonly restart: number;
      readonly tookMs: number;
    };

/** A service thread died and could not be brought back: the local stack cannot go on without it. */
export class ServiceFailedError extends Error {
  override readonly name = 'ServiceFailedError';
  constructor(
    message: string,
    /** e.g. 'local Timestream' */
    readonly service: string,
    /** Why the thread died. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One line for a {@link ServiceEvent}, for the console of `npm start`. */
export function describeServiceEvent(event: ServiceEvent): string {
  return event.type === 'died'
    ? `${event.service} (${event.endpoint}) stopped: ${event.reason}. Restarting it on the same endpoint...`
    : `${event.service} is back on ${event.endpoint} (restart ${event.restart}, took ${event.tookMs} ms)`;
}

type FromWorker =
  | { readonly type: 'ready'; readonly endpoint: string; readonly port: number }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'closed' };

// The worker registers tsx (the runtime runs TypeScript directly), imports the module, starts the service
// with the options it was given and reports its endpoint; a 'close' message closes it.
const bootstrap = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  let service;
  try {
    const { register } = await import('tsx/esm/api');
    register();
    const module = await import(workerData.moduleUrl);
    service = await module[workerData.exportName](workerData.options);
    parentPort.postMessage({ type: 'ready', endpoint: service.endpoint, port: service.port });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  parentPort.on('message', async (message) => {
    if (message !== 'close') return;
    try { await service.close(); } finally { parentPort.postMessage({ type: 'closed' }); }
  });
})();
`;

interface Launched {
  readonly worker: Worker;
  readonly endpoint: string;
  readonly port: number;
}

function launch(moduleUrl: URL, exportName: string, options: Record<string, unknown>): Promise<Launched> {
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: { moduleUrl: moduleUrl.href, exportName, options },
  });
  worker.once('exit', () => exited.add(worker));
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      worker.off('exit', onExit);
      reject(error);
    };
    const onExit = (code: number) => {
      worker.off('error', onError);
      reject(new Error(`${exportName} worker exited (${code}) before it was ready`));
    };
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.once('message', (message: FromWorker) => {
      worker.off('exit', onExit);
      worker.off('error', onError);
      if (message.type === 'failed') {
        void worker.terminate();
        reject(new Error(message.message));
        return;
      }
      if (message.type === 'ready') resolve({ worker, endpoint: message.endpoint, port: message.port });
    });
  });
}

const exited = new WeakSet<Worker>();

function closeWorker(worker: Worker): Promise<void> {
  return new Promise<void>((done) => {
    if (exited.has(worker)) return done();
    const finish = () => void worker.terminate().then(() => done());
    worker.once('message', finish);
    worker.once('exit', () => done());
    worker.postMessage('close');
  });
}

/** What {@link startSupervisedService} starts and how it watches it. */
export interface SupervisedServiceSpec {
  /** For the log lines, e.g. 'local Timestream'. */
  readonly name: string;
  /** The module that exports the start function, e.g. `startLocalTimestreamModule`. */
  readonly moduleUrl: URL;
  readonly exportName: string;
  /** The start function's options, plain data; `port` is pinned to the first start's port for restarts. */
  readonly options: Record<string, unknown> & { readonly port: number };
  readonly restarts: RestartPolicy;
  /** A death and a restart. */
  readonly onEvent: (event: ServiceEvent) => void;
  /** The service died and could not be restarted (or died too often): the stack cannot go on. */
  readonly onFailed: (error: ServiceFailedError) => void;
}

/**
 * Starts a local service (`startLocalTimestream`, `startLocalKinesis`, ...) on a worker thread of this
 * process, so that it has an event loop of its own (the emulators, the ingest endpoint and the writer then
 * use both cores), and supervises it: when the thread dies (an uncaught error, running out of memory,
 * {@link SupervisedService.terminate}), the death is reported with its reason and the service is started
 * again with the same options on the same port, so its clients reconnect to the same endpoint; its state is
 * on disk (the local Timestream's journal, kinesalite's store). After `restarts.maxRestarts` restarts within
 * `restarts.windowMs`, or when a restart fails, `onFailed` is told instead.
 */
export async function startSupervisedService(spec: SupervisedServiceSpec): Promise<SupervisedService> {
  const first = await launch(spec.moduleUrl, spec.exportName, spec.options);
  const options = { ...spec.options, port: first.port };
  const { endpoint, port } = first;
  let current: Worker = first.worker;
  let closing = false;
  let restarting: Promise<void> | undefined;
  let restarts = 0;
  const restartTimes: number[] = [];
  const terminationReasons = new WeakMap<Worker, string>();

  const watch = (worker: Worker) => {
    let lastError: Error | undefined;
    worker.on('error', (error) => {
      lastError = error;
    });
    worker.once('exit', (code) => {
      if (closing) return;
      const reason =
        terminationReasons.get(worker) ??
        (lastError
          ? `${lastError.name}: ${lastError.message}${'code' in lastError ? ` (${String(lastError.code)})` : ''}`
          : `its thread exited with code ${code}`);
      restarting = restart(reason);
    });
  };

  const restart = async (reason: string) => {
    spec.onEvent({ type: 'died', service: spec.name, endpoint, reason });
    const now = Date.now();
    while (restartTimes.length > 0 && now - restartTimes[0]! >= spec.restarts.windowMs) restartTimes.shift();
    if (restartTimes.length >= spec.restarts.maxRestarts) {
      spec.onFailed(
        new ServiceFailedError(
          `${spec.name} (${endpoint}) stopped: ${reason}. It was restarted ${restartTimes.length} times within ` +
            `${spec.restarts.windowMs / 1000} s already (SERVICE_MAX_RESTARTS=${spec.restarts.maxRestarts}, ` +
            `SERVICE_RESTART_WINDOW_MS=${spec.restarts.windowMs}): giving up. Find the cause in the lines above, ` +
            'then start again (its data is kept in DATA_DIR).',
          spec.name,
          reason,
        ),
      );
      return;
    }
    restartTimes.push(now);
    try {
      const next = await launch(spec.moduleUrl, spec.exportName, options);
      if (closing) {
        await closeWorker(next.worker);
        return;
      }
      current = next.worker;
      restarts++;
      watch(current);
      spec.onEvent({
        type: 'restarted',
        service: spec.name,
        endpoint,
        restart: restarts,
        tookMs: Date.now() - now,
      });
    } catch (error) {
      spec.onFailed(
        new ServiceFailedError(
          `${spec.name} (${endpoint}) stopped: ${reason}. It could not be restarted: ` +
            `${error instanceof Error ? error.message : String(error)}`,
          spec.name,
          reason,
          { cause: error },
        ),
      );
    }
  };

  watch(current);
  return {
    endpoint,
    port,
    get restarts() {
      return restarts;
    },
    async terminate(reason) {
      terminationReasons.set(current, `terminated (${reason})`);
      await current.terminate();
    },
    async close() {
      closing = true;
      await restarting;
      await closeWorker(current);
    },
  };
}
