import { resolve } from 'node:path';
import { localPorts } from '#adapters/cli-endpoints';
import { ConfigError } from '#core/config';

/** Where the local stack listens and keeps its data (DATA_DIR, *_PORT, LOCAL_HOST). */
export interface LocalSettings {
  readonly dataDir: string;
  readonly host: string;
  readonly ingestPort: number;
  readonly kinesisPort: number;
  readonly timestreamPort: number;
  readonly dashboardPort: number;
}

/** Reads the local stack's settings; port 0 picks a free port. Fails with every bad variable listed. */
export function readLocalSettings(env: Readonly<Record<string, string | undefined>>): LocalSettings {
  const problems: string[] = [];
  const port = (name: keyof typeof localPorts) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return localPorts[name];
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65_535) {
      problems.push(`${name}=${JSON.stringify(raw)}: must be a port number 0..65535 (0 picks a free port)`);
      return 0;
    }
    return value;
  };
  const settings: LocalSettings = {
    dataDir: resolve(env.DATA_DIR || './.data'),
    host: env.LOCAL_HOST || '127.0.0.1',
    ingestPort: port('INGEST_PORT'),
    kinesisPort: port('KINESIS_PORT'),
    timestreamPort: port('TIMESTREAM_PORT'),
    dashboardPort: port('DASHBOARD_PORT'),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}
