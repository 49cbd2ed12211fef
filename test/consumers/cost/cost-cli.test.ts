import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { aggregateRecordOf } from '#consumers/cost/aggregate-sample';
import { meteredRequestBytes, storedBytes } from '#core/cost';

const run = promisify(execFile);
/** The pipeline settings the estimate reads, unset: the estimate uses the configuration's defaults. */
const env = {
  ...process.env,
  RECORD_LAYOUT: '',
  STREAM_MODE: '',
  STREAM_SHARD_COUNT: '',
  RAW_MEMORY_RETENTION_HOURS: '',
  UNITS_CONFIG: '',
  UNITS_CONFIG_FILE: '',
  LOG_LEVEL: '',
  TRACING: '',
};

async function cost(...args: string[]) {
  return run('npm', ['run', '--silent', 'cost', '--', ...args], { env });
}

/** The monthly USD of a line of the printed bill. */
function usdOf(stdout: string, component: string): number {
  const found = stdout.split('\n').find((l) => l.startsWith(`${component} `));
  expect(found, `a "${component}" line in:\n${stdout}`).toBeDefined();
  return Number(found!.slice(found!.lastIndexOf('$') + 1).replaceAll(',', ''));
}

async function costFails(...args: string[]): Promise<{ code: number; stderr: string }> {
  const error = await cost(...args).then(
    () => undefined,
    (e: unknown) => e as { code: number; stderr: string },
  );
  if (error === undefined) throw new Error(`npm run cost -- ${args.join(' ')} succeeded`);
  return error;
}

describe('npm run cost', () => {
  it('prints the bill of 1,000 devices at a reading a minute, each line with its usage, and the total', async () => {
    const { stdout } = await cost('--devices', '1000', '--interval', '60s');
    // 1,000 x 2,628,000 s / 60 s = 43.8M POSTs of one reading; HTTP API $1.00 per million -> $43.80
    expect(stdout).toMatch(/^API Gateway HTTP API +43\.8M requests +\$43\.80$/m);
    expect(stdout).toMatch(/^Ingest Lambda +43\.8M invocations/m);
    expect(stdout).toMatch(/^Total +\$[\d,]+\.\d\d$/m);
    expect(stdout).toContain('1,000 devices, a reading every 60 s, 1 per POST');
    expect(stdout).toContain('Left out:');
  });

  it('takes readings per POST, layout, stream mode and dashboards from flags, and prints the levers', async () => {
    const { stdout } = await cost(
      '--devices',
      '1000',
      '--interval',
      '1m',
      '--per-post',
      '10',
      '--layout',
      'single',
      '--stream',
      'provisioned',
      '--shards',
      '2',
      '--refreshes-per-day',
      '0',
      '--levers',
    );
    // 43.8M readings / 10 a POST = 4.38M requests -> $4.38
    expect(stdout).toMatch(/^API Gateway HTTP API +4\.4M requests +\$4\.38$/m);
    expect(stdout).toMatch(/^Timestream writes \(single\) /m);
    // 2 shards x 730 h x $0.015 = 21.90, + 4.38M PUT units x $0.014/M = 0.06, + retention 168 h 2 x 730 x 0.02 = 29.20
    expect(stdout).toMatch(
      /^Kinesis provisioned +2 shards x 730 h, 4\.4M PUT payload units, retention 168 h +\$51\.16$/m,
    );
    expect(stdout).toMatch(/^Timestream queries: dashboards +0 queries .* \$0\.00$/m);
    expect(stdout).toContain('What changes the bill (one setting at a time');
    expect(stdout).toMatch(/^record layout +single -> multi /m);
  });

  it('prices the deployed log level and tracing: --log-level WARN drops INFO lines, --tracing off drops X-Ray', async () => {
    const deployed = await cost('--devices', '1000');
    const quiet = await cost('--devices', '1000', '--log-level', 'warn', '--tracing', 'off');
    expect(deployed.stdout).toMatch(/^X-Ray traces /m);
    expect(deployed.stdout).toContain('log level INFO, tracing on');
    expect(quiet.stdout).not.toMatch(/^X-Ray traces /m);
    expect(quiet.stdout).toContain('log level WARN, tracing off');
    expect(quiet.stdout).toMatch(/^CloudWatch Logs ingestion .*no INFO lines at LOG_LEVEL=WARN/m);
    expect(usdOf(quiet.stdout, 'CloudWatch Logs ingestion')).toBeLessThan(
      usdOf(deployed.stdout, 'CloudWatch Logs ingestion'),
    );
    // the other lines do not move
    expect(usdOf(quiet.stdout, 'Ingest Lambda')).toBe(usdOf(deployed.stdout, 'Ingest Lambda'));
  });

  it('defaults to LOG_LEVEL and TRACING, as the stack deploys them', async () => {
    const fromEnv = await run('npm', ['run', '--silent', 'cost', '--', '--devices', '1000'], {
      env: { ...env, LOG_LEVEL: 'error', TRACING: 'off' },
    });
    const fromFlags = await cost('--devices', '1000', '--log-level', 'ERROR', '--tracing', 'off');
    expect(fromEnv.stdout).toContain('log level ERROR, tracing off');
    expect(fromEnv.stdout).toBe(fromFlags.stdout);
  });

  it('--levers prices LOG_LEVEL=WARN and TRACING=off for the fleet given', async () => {
    const { stdout } = await cost('--devices', '1000', '--levers');
    expect(stdout).toMatch(/^log level \(LOG_LEVEL\) +INFO -> WARN +\$[\d,]+\.\d\d +-\d+%$/m);
    expect(stdout).toMatch(/^X-Ray tracing \(TRACING\) +on -> off +\$[\d,]+\.\d\d +-\d+%$/m);
  });

  it.each([
    [['--log-level', 'loud'], 'expected one of TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT.'],
    [['--tracing', 'maybe'], 'expected one of on, off.'],
    [
      ['--devices', '0'],
      "option '--devices <n>' argument '0' is invalid. expected a whole number from 1 to 100000000.",
    ],
    [['--interval', 'often'], 'expected a duration such as 60s, 5m, 1h, 1m30s or 500ms.'],
    [
      ['--per-post', '501'],
      "option '--per-post <n>' argument '501' is invalid. expected a whole number from 1 to 500.",
    ],
    [['--layout', 'wide'], 'expected one of multi, single.'],
    [['--stream', 'fast'], 'expected one of on-demand, provisioned.'],
    [['--dimensions', 'site'], 'expected name=value pairs separated by commas'],
    [['--region', 'eu-west-1'], 'no prices for it in core/cost/prices.ts (known: us-east-1)'],
    [['--measures', 'co2,wing'], 'unknown measure "wing": register it in UNITS_CONFIG'],
    [['--dimensions', 'wing=east'], 'unknown dimension "wing"'],
    [['--devicez', '10'], "unknown option '--devicez'"],
  ])('npm run cost -- %j fails with exit code 1 and says why', async (args, message) => {
    const { code, stderr } = await costFails(...args);
    expect(code).toBe(1);
    expect(stderr).toContain(message);
  });
});

/** The first code block after `marker` in README.md. */
function readmeBlockAfter(marker: string): string {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const at = readme.indexOf(marker);
  expect(at, `README.md has "${marker}"`).toBeGreaterThan(-1);
  const start = readme.indexOf('```\n', at) + 4;
  return readme.slice(start, readme.indexOf('\n```', start));
}

describe('README "What it costs"', () => {
  it('shows what npm run cost prints for 1,000 devices at a reading a minute', async () => {
    const { stdout } = await cost('--devices', '1000', '--interval', '60s', '--levers');
    expect(readmeBlockAfter('(`npm run cost -- --devices 1000 --interval 60s --levers`)')).toBe(
      stdout.trimEnd(),
    );
  });

  it('shows the bill and the levers npm run cost prints for 100,000 devices', async () => {
    const { stdout } = await cost('--devices', '100000', '--interval', '60s', '--levers');
    const block = readmeBlockAfter('(`npm run cost -- --devices 100000 --interval 60s --levers`');
    const [bill, levers] = block.split('\n\nWhat changes the bill');
    expect(stdout).toContain(`${bill}\n\nMeasured with`);
    expect(stdout.trimEnd().endsWith(`What changes the bill${levers}`)).toBe(true);
  });
});

describe('the rollup records the estimate meters', () => {
  it("meters the rollup's own aggregate record as hand-counted", () => {
    // time 8 + deviceId+device-000 18 + measure+co2 10 + daily 5 + avg, min, max, sum 4 x (3 + 8)
    // + count 5 + 8 + first 5 + 8 + last 4 + 8 = 123 bytes, written and stored alike
    const record = aggregateRecordOf('device-000', 'co2');
    expect(meteredRequestBytes({ records: [record] })).toBe(123);
    expect(storedBytes({ records: [record] })).toBe(123);
  });
});
