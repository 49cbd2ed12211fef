import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { localPorts } from '#adapters/cli-endpoints';
import { defaultHttpLimits, type HttpLimits } from '#adapters/serve-app';
import { ConfigError, configEnvNames, LogLevel, type PipelineConfig, readLogLevel } from '#core/config';

/** The interface of the emulators (kinesalite, the local Timestream): unauthenticated, so never exposed. */
export const emulatorHost = '127.0.0.1';

/** How often a dead service thread is restarted before `npm start` gives up and exits non-zero. */
export interface RestartPolicy {
  /** Restarts allowed within `windowMs` (0: none, the first death stops the process). */
  readonly maxRestarts: number;
  readonly windowMs: number;
}

/**
 * Where the local stack listens and keeps its data (DATA_DIR, *_PORT, INGEST_HOST, DASHBOARD_HOST,
 * ALLOWED_HOSTS, HTTP_*, SERVICE_*). The emulators always listen on loopback ({@link emulatorHost}).
 */
export interface LocalSettings {
  readonly dataDir: string;
  /** Interface of the ingest (`0.0.0.0` or a LAN address exposes it to devices). */
  readonly ingestHost: string;
  /** Interface of the web dashboard. */
  readonly dashboardHost: string;
  /** Further names (e.g. `pipeline.lan`) the ingest and dashboard answer to in the Host header. */
  readonly allowedHosts: readonly string[];
  readonly ingestPort: number;
  readonly kinesisPort: number;
  readonly timestreamPort: number;
  readonly dashboardPort: number;
  /** The influxd of STORAGE=influxdb without INFLUXDB_URL (INFLUXDB_PORT, 8086 by default; 0 picks a free port). */
  readonly influxdbPort: number;
  /** Limits of the ingest and dashboard HTTP servers. */
  readonly httpLimits: HttpLimits;
  readonly restarts: RestartPolicy;
  /** Deprecated variables in use, with what to set instead (printed at start). */
  readonly warnings: readonly string[];
}

/** Reads the local stack's settings; port 0 picks a free port. Fails with every bad variable listed. */
export function readLocalSettings(env: Readonly<Record<string, string | undefined>>): LocalSettings {
  const problems: string[] = [];
  const warnings: string[] = [];
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
  const integer = (name: string, fallback: number, min: number, max: number, what: string) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)}: must be an integer ${min}..${max} (${what})`);
      return fallback;
    }
    return value;
  };
  const legacyHost = env.LOCAL_HOST || undefined;
  if (legacyHost !== undefined) {
    warnings.push(
      `LOCAL_HOST is deprecated: it now sets only INGEST_HOST and DASHBOARD_HOST (when those are unset); ` +
        `kinesalite and the local Timestream stay on ${emulatorHost}. Set INGEST_HOST / DASHBOARD_HOST instead.`,
    );
  }
  const host = (name: 'INGEST_HOST' | 'DASHBOARD_HOST') => {
    const raw = env[name] || legacyHost;
    if (raw === undefined) return emulatorHost;
    if (raw !== 'localhost' && isIP(raw) === 0) {
      problems.push(
        `${name}=${JSON.stringify(raw)}: must be an IP address of this machine (e.g. 192.168.1.10), ` +
          '0.0.0.0 (every interface), or 127.0.0.1 (loopback only, the default)',
      );
      return emulatorHost;
    }
    return raw;
  };
  const allowedHosts = (env.ALLOWED_HOSTS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '');
  for (const name of allowedHosts) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/.test(name)) {
      problems.push(
        `ALLOWED_HOSTS: ${JSON.stringify(name)} is not a host name or address (give names without port, comma-separated, e.g. pipeline.lan,192.168.1.10)`,
      );
    }
  }
  const headersTimeoutMs = integer(
    'HTTP_HEADERS_TIMEOUT_MS',
    defaultHttpLimits.headersTimeoutMs,
    100,
    600_000,
    'time a client has to send its request headers',
  );
  const requestTimeoutMs = integer(
    'HTTP_REQUEST_TIMEOUT_MS',
    Math.max(defaultHttpLimits.requestTimeoutMs, headersTimeoutMs),
    100,
    3_600_000,
    'time a client has to send its whole request',
  );
  if (requestTimeoutMs < headersTimeoutMs) {
    problems.push(
      `HTTP_REQUEST_TIMEOUT_MS=${requestTimeoutMs} is shorter than HTTP_HEADERS_TIMEOUT_MS=${headersTimeoutMs}: ` +
        'the whole request cannot take less time than its headers',
    );
  }
  const settings: LocalSettings = {
    dataDir: resolve(env.DATA_DIR || './.data'),
    ingestHost: host('INGEST_HOST'),
    dashboardHost: host('DASHBOARD_HOST'),
    allowedHosts,
    ingestPort: port('INGEST_PORT'),
    kinesisPort: port('KINESIS_PORT'),
    timestreamPort: port('TIMESTREAM_PORT'),
    dashboardPort: port('DASHBOARD_PORT'),
    influxdbPort: port('INFLUXDB_PORT'),
    httpLimits: {
      headersTimeoutMs,
      requestTimeoutMs,
      keepAliveTimeoutMs: integer(
        'HTTP_KEEP_ALIVE_TIMEOUT_MS',
        defaultHttpLimits.keepAliveTimeoutMs,
        0,
        600_000,
        'idle time before a keep-alive connection is closed',
      ),
      maxConnections: integer(
        'HTTP_MAX_CONNECTIONS',
        defaultHttpLimits.maxConnections,
        1,
        1_000_000,
        'open connections per server; keep it well under the file descriptor limit, ulimit -n',
      ),
    },
    restarts: {
      maxRestarts: integer(
        'SERVICE_MAX_RESTARTS',
        3,
        0,
        1_000,
        'restarts of a dead service thread per window',
      ),
      windowMs: integer(
        'SERVICE_RESTART_WINDOW_MS',
        60_000,
        1_000,
        86_400_000,
        'the window of SERVICE_MAX_RESTARTS',
      ),
    },
    warnings,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return settings;
}

/** Where `npm start` logs at WARN: a line per POST at INFO would bury the status line. */
const localDefaultLogLevel = LogLevel.warn;

/**
 * The level of the handlers' Powertools logs under `npm start`: LOG_LEVEL when it is set (the configuration's
 * value, the one the stack gives every function as POWERTOOLS_LOG_LEVEL), else POWERTOOLS_LOG_LEVEL, else
 * WARN. Fails with a {@link ConfigError} on a POWERTOOLS_LOG_LEVEL that Powertools would silently ignore.
 *
 * @example
 * localLogLevel({ LOG_LEVEL: 'info' }, readPipelineConfig({ LOG_LEVEL: 'info' })); // 'INFO'
 */
export function localLogLevel(
  env: Readonly<Record<string, string | undefined>>,
  config: PipelineConfig,
): LogLevel {
  const configured = env[configEnvNames.logLevel];
  if (configured !== undefined && configured !== '') return config.logLevel;
  const raw = env.POWERTOOLS_LOG_LEVEL;
  if (raw === undefined || raw === '') return localDefaultLogLevel;
  return readLogLevel('POWERTOOLS_LOG_LEVEL', raw);
}
