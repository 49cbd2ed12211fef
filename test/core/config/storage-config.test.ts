import { describe, expect, it } from 'vitest';
import { ConfigError, configEnvNames, readPipelineConfig } from '#core/config';

const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    readPipelineConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('STORAGE and the InfluxDB settings', () => {
  it('defaults to Timestream, with the InfluxDB settings unset (empty, as an empty variable is)', () => {
    const config = readPipelineConfig({});
    expect(config.storage).toBe('timestream');
    expect(config).toMatchObject({
      influxdbUrl: '',
      influxdbDatabase: '',
      influxdbToken: '',
      influxdbTokenSecretArn: '',
    });
  });

  it('reads back the configuration from its own variables (what the CDK app gives the functions)', () => {
    const config = readPipelineConfig({ STORAGE: 'influxdb', INFLUXDB_URL: 'http://10.0.0.5:8086' });
    const env = Object.fromEntries(
      Object.entries(configEnvNames).map(([key, name]) => {
        const value = config[key as keyof typeof config];
        return [name, Array.isArray(value) ? value.join(',') : String(value)];
      }),
    );
    expect(readPipelineConfig(env)).toEqual(config);
  });

  it('reads STORAGE=influxdb with its URL (trailing slashes dropped), database and token', () => {
    const config = readPipelineConfig({
      STORAGE: 'influxdb',
      INFLUXDB_URL: 'https://influx.example.com:8086/',
      INFLUXDB_DATABASE: 'rooms',
      INFLUXDB_TOKEN: 'secret-token',
    });
    expect(config).toMatchObject({
      storage: 'influxdb',
      influxdbUrl: 'https://influx.example.com:8086',
      influxdbDatabase: 'rooms',
      influxdbToken: 'secret-token',
    });
  });

  it('refuses bad values with the variable, the value and what is allowed', () => {
    const problems = problemsOf({
      STORAGE: 'mongodb',
      INFLUXDB_URL: 'influx:8086',
      INFLUXDB_DATABASE: 'rooms.v2',
      INFLUXDB_TOKEN_SECRET_ARN: 'my-secret',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^STORAGE="mongodb": .*timestream.*influxdb/),
      expect.stringMatching(/^INFLUXDB_URL="influx:8086": must be an http\(s\) URL/),
      expect.stringMatching(/^INFLUXDB_DATABASE="rooms.v2": must be 1\.\.64 letters, digits, '_' or '-'/),
      expect.stringMatching(
        /^INFLUXDB_TOKEN_SECRET_ARN="my-secret": must be the ARN of a Secrets Manager secret/,
      ),
    ]);
  });

  it('refuses both token sources at once, and a Timestream database name InfluxDB cannot take as its default', () => {
    const problems = problemsOf({
      STORAGE: 'influxdb',
      TIMESTREAM_DATABASE: 'Room.Condition',
      INFLUXDB_TOKEN: 't',
      INFLUXDB_TOKEN_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:influx-token-AbCdEf',
    });
    expect(problems).toEqual([
      expect.stringMatching(/INFLUXDB_TOKEN and INFLUXDB_TOKEN_SECRET_ARN are both set: set one/),
      expect.stringMatching(
        /^TIMESTREAM_DATABASE="Room.Condition": is also the InfluxDB database name .* set INFLUXDB_DATABASE/,
      ),
    ]);
  });
});
