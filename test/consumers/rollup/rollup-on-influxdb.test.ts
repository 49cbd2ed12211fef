import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { awsSdkNodeWarningSwitch } from '#adapters/node-support';
import { selectRows, startTestInfluxd, type TestInfluxd } from '../../helpers/influxd';

/*
 * The rollup's public interfaces with STORAGE=influxdb, against a real influxd: `npm run rollup` (which finds
 * the influxd of `npm start` on INFLUXDB_PORT with no INFLUXDB_URL) and the rollup Lambda's handler.
 */

const run = promisify(execFile);
const database = 'RoomCondition';
const at = (iso: string) => Date.parse(iso);

// The command must be quiet on its own, not because this process's environment says so.
delete process.env[awsSdkNodeWarningSwitch];

/** The environment of a command with STORAGE=influxdb and none of this process's InfluxDB or AWS settings. */
function commandEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, STORAGE: 'influxdb', ...extra };
  for (const name of [
    'INFLUXDB_URL',
    'INFLUXDB_TOKEN',
    'INFLUXDB_TOKEN_SECRET_ARN',
    'INFLUXDB_DATABASE',
    'TARGET',
  ]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('the rollup with STORAGE=influxdb, through its command and its Lambda handler', () => {
  let influx: TestInfluxd;
  /** The aggregates of co2 and temperature as rows per (device, measure, day), from the point of each device and day. */
  const daily = async (where = '') => {
    const points = await selectRows(
      influx.client,
      database,
      `SELECT "deviceId", /^(co2|temperature)_(count|sum|first|last)$/ FROM "conditions_daily"${where}`,
    );
    return points.flatMap((p) =>
      ['co2', 'temperature'].flatMap((measure) =>
        p[`${measure}_count`] === null
          ? []
          : [
              {
                time: p.time,
                deviceId: p.deviceId,
                measure,
                count: p[`${measure}_count`],
                sum: p[`${measure}_sum`],
                first: p[`${measure}_first`],
                last: p[`${measure}_last`],
              },
            ],
      ),
    );
  };

  beforeAll(async () => {
    influx = await startTestInfluxd();
    await influx.client.createDatabase(database);
    // readings of 2022-04-20 and 2022-04-21 in Tokyo (days start at 15:00 UTC the day before)
    await influx.client.write(
      database,
      [
        `conditions,deviceId=d1 co2=400,temperature=20 ${at('2022-04-20T00:30:00+09:00')}`,
        `conditions,deviceId=d1 co2=600 ${at('2022-04-20T12:00:00+09:00')}`,
        `conditions,deviceId=d2 co2=700 ${at('2022-04-20T23:59:59+09:00')}`,
        `conditions,deviceId=d1 co2=450 ${at('2022-04-21T00:00:00+09:00')}`,
        `conditions,deviceId=d1 co2=999 ${at('2022-04-19T23:59:59+09:00')}`,
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await influx?.close();
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('npm run rollup -- --from --to writes the aggregate measurement, finding influxd on INFLUXDB_PORT', async () => {
    // Act: no INFLUXDB_URL, only the port `npm start` would give influxd
    const { stdout } = await run(
      'npm',
      [
        'run',
        '--silent',
        'rollup',
        '--',
        '--from',
        '2022-04-20',
        '--to',
        '2022-04-20',
        '--time-zone',
        'Asia/Tokyo',
      ],
      { env: commandEnv({ INFLUXDB_PORT: String(influx.server.port) }), timeout: 120_000 },
    );

    // Assess
    expect(stdout).toContain(
      `InfluxDB database "${database}", measurement "conditions" on ${influx.server.endpoint}`,
    );
    expect(stdout).toContain('Done: 3 (device, measure, day) aggregates written.');
    const day20 = at('2022-04-20T00:00:00+09:00');
    const key = (r: Record<string, unknown>) => `${r.deviceId}/${r.measure}`;
    expect((await daily()).sort((a, b) => key(a).localeCompare(key(b)))).toEqual([
      { time: day20, deviceId: 'd1', measure: 'co2', count: 2, sum: 1000, first: 400, last: 600 },
      { time: day20, deviceId: 'd1', measure: 'temperature', count: 1, sum: 20, first: 20, last: 20 },
      { time: day20, deviceId: 'd2', measure: 'co2', count: 1, sum: 700, first: 700, last: 700 },
    ]);
  }, 150_000);

  it('npm run rollup fails with what to set when nothing listens on INFLUXDB_PORT', async () => {
    const port = await closedPort();
    const error = (await run('npm', ['run', '--silent', 'rollup', '--', '--from', '2022-04-20'], {
      env: commandEnv({ INFLUXDB_PORT: String(port) }),
      timeout: 120_000,
    }).catch((e: unknown) => e)) as { code?: number; stderr?: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toContain(
      `rollup failed: InfluxDB at http://127.0.0.1:${port} is unreachable (ECONNREFUSED)`,
    );
  }, 150_000);

  it('the rollup Lambda handler rolls up the lookback days on InfluxDB at INFLUXDB_URL', async () => {
    // Prepare: the Lambda's environment as the CDK stack sets it with STORAGE=influxdb
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('STORAGE', 'influxdb');
    vi.stubEnv('INFLUXDB_URL', influx.server.endpoint);
    vi.stubEnv('INFLUXDB_TOKEN_SECRET_ARN', '');
    vi.stubEnv('INFLUXDB_TOKEN', '');
    vi.stubEnv('ROLLUP_TIMEZONE', 'Asia/Tokyo');
    vi.stubEnv('ROLLUP_LOOKBACK_DAYS', '2');
    const { handler } = await import('#consumers/rollup/handler');

    // Act: the schedule's run at 01:00 on 2022-04-22 in Tokyo rolls up the 20th and the 21st
    const reports = await handler(
      { time: '2022-04-21T16:00:00Z' },
      { getRemainingTimeInMillis: () => 60_000 },
    );

    // Assess
    expect(reports.map((r) => [r.date, r.groups, r.written, r.problems])).toEqual([
      ['2022-04-20', 3, 3, []],
      ['2022-04-21', 1, 1, []],
    ]);
    expect(await daily(` WHERE time = ${at('2022-04-21T00:00:00+09:00')}ms`)).toEqual([
      {
        time: at('2022-04-21T00:00:00+09:00'),
        deviceId: 'd1',
        measure: 'co2',
        count: 1,
        sum: 450,
        first: 450,
        last: 450,
      },
    ]);
  });

  it('the handler with INFLUXDB_TOKEN_SECRET_ARN reads the token from Secrets Manager before it queries', async () => {
    // Prepare: Secrets Manager at an address where nothing answers, so that reading the secret fails
    const port = await closedPort();
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('STORAGE', 'influxdb');
    vi.stubEnv('INFLUXDB_URL', influx.server.endpoint);
    vi.stubEnv('INFLUXDB_TOKEN', '');
    vi.stubEnv(
      'INFLUXDB_TOKEN_SECRET_ARN',
      'arn:aws:secretsmanager:us-east-1:123456789012:secret:influx-token',
    );
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', `http://127.0.0.1:${port}`);
    vi.stubEnv('AWS_MAX_ATTEMPTS', '1');
    const { handler } = await import('#consumers/rollup/handler');

    // Act
    const error = await handler(
      { time: '2022-04-21T16:00:00Z' },
      { getRemainingTimeInMillis: () => 60_000 },
    ).catch((e: unknown) => e);

    // Assess: the failure is the secret's read, not a query sent without the token
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message) + String((error as Error & { code?: string }).code)).toMatch(
      /ECONNREFUSED/,
    );
  });
});
