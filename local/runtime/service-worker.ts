import { Worker } from 'node:worker_threads';

/** A local service running on its own thread: its endpoint, and how to stop it. */
export interface WorkerService {
  readonly endpoint: string;
  readonly port: number;
  close(): Promise<void>;
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

/**
 * Starts a local service (`startLocalTimestream`, `startLocalKinesis`, ...) on a worker thread of this
 * process, so that it has an event loop of its own: the emulators, the ingest endpoint and the writer then
 * use both cores instead of queueing behind each other on one thread. `options` must be plain data.
 */
export function startServiceInWorker(
  moduleUrl: URL,
  exportName: string,
  options: Record<string, unknown>,
): Promise<WorkerService> {
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: { moduleUrl: moduleUrl.href, exportName, options },
  });
  return new Promise((resolve, reject) => {
    const onExit = (code: number) =>
      reject(new Error(`${exportName} worker exited (${code}) before it was ready`));
    worker.once('error', reject);
    worker.once('exit', onExit);
    worker.once('message', (message: FromWorker) => {
      worker.off('exit', onExit);
      if (message.type === 'failed') {
        void worker.terminate();
        reject(new Error(message.message));
        return;
      }
      if (message.type !== 'ready') return;
      resolve({
        endpoint: message.endpoint,
        port: message.port,
        close: () =>
          new Promise<void>((done) => {
            const finish = () => void worker.terminate().then(() => done());
            worker.once('message', finish);
            worker.once('exit', () => done());
            worker.postMessage('close');
          }),
      });
    });
  });
}
