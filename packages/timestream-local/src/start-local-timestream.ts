import {
  createLocalTimestream,
  type LocalTimestream,
  type LocalTimestreamOptions,
} from './create-local-timestream';
import { createQueryEngine } from './sql';

/**
 * Starts a Timestream for LiveAnalytics stand-in (Write and Query APIs over AWS JSON 1.0) on embedded
 * DuckDB, for the unchanged AWS SDK clients with only `endpoint` set. Port 0 (the default) picks a free port.
 *
 * @example
 * const ts = await startLocalTimestream({ dataDir: '.data/timestream' });
 * const write = new TimestreamWriteClient({ endpoint: ts.endpoint, region: 'us-east-1' });
 * await ts.close();
 */
export function startLocalTimestream(options: LocalTimestreamOptions): Promise<LocalTimestream> {
  return createLocalTimestream(options, createQueryEngine);
}

/**
 * This module's URL, for hosts that start the service on a worker thread of their own (the worker imports
 * the module and calls {@link startLocalTimestream}).
 */
export const startLocalTimestreamModule = new URL(import.meta.url);
