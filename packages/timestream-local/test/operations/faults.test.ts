import {
  InternalServerException,
  RejectedRecordsException,
  ThrottlingException,
  TimestreamWriteClient,
  WriteRecordsCommand,
} from '@aws-sdk/client-timestream-write';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalTimestreamSettingError } from '../../src/errors';
import { parseFaultRates } from '../../src/operations/faults';
import {
  clientConfig,
  createTable,
  doubleRecord,
  type Fixture,
  startFixture,
} from '../local-timestream-fixture';

describe('parseFaultRates', () => {
  it('reads name:fraction pairs', () => {
    expect(parseFaultRates('throttle:0.2,internal:0.05')).toEqual({ throttle: 0.2, internal: 0.05 });
    expect(parseFaultRates(undefined)).toEqual({ throttle: 0, internal: 0 });
    expect(parseFaultRates('')).toEqual({ throttle: 0, internal: 0 });
  });

  it.each(['throttle', 'throttle:2', 'slow:0.1', 'throttle:0.7,internal:0.5', 'throttle:0.1,throttle:0.2'])(
    'refuses %j with a message saying what is allowed',
    (setting) => {
      expect(() => parseFaultRates(setting)).toThrow(LocalTimestreamSettingError);
      expect(() => parseFaultRates(setting)).toThrow(/TIMESTREAM_FAULTS.*throttle:0\.2,internal:0\.05/);
    },
  );
});

describe('faults on purpose', () => {
  let fixtures: Fixture[] = [];
  afterEach(async () => {
    // newest first: a restarted fixture uses the data directory its predecessor removes on close
    for (const f of fixtures.reverse()) await f.close();
    fixtures = [];
  });

  it('fails the configured share of WriteRecords calls before writing anything', async () => {
    const f = await startFixture({ faults: 'throttle:0.5' });
    fixtures.push(f);
    await createTable(f.write, 'Faults', 'readings');
    const t = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        f.write
          .send(
            new WriteRecordsCommand({
              DatabaseName: 'Faults',
              TableName: 'readings',
              Records: [doubleRecord(`d${i}`, 'co2', '600', t)],
            }),
          )
          .then(
            () => 'ok' as const,
            (e: unknown) => e,
          ),
      ),
    );
    const throttled = outcomes.filter((o) => o instanceof ThrottlingException).length;
    const ok = outcomes.filter((o) => o === 'ok').length;
    expect(throttled + ok).toBe(60);
    expect(throttled).toBeGreaterThan(10);
    expect(ok).toBeGreaterThan(10);

    // a throttled call wrote nothing: restart without faults and probe each key with another value
    const dataDir = f.dataDir;
    await f.ts.close();
    const g = await startFixture({ dataDir });
    fixtures.push(g);
    for (const [i, o] of outcomes.entries()) {
      const probe = g.write.send(
        new WriteRecordsCommand({
          DatabaseName: 'Faults',
          TableName: 'readings',
          Records: [doubleRecord(`d${i}`, 'co2', '999', t)],
        }),
      );
      if (o === 'ok') await expect(probe).rejects.toBeInstanceOf(RejectedRecordsException);
      else await expect(probe).resolves.toBeDefined();
    }
  });

  it('answers InternalServerException, and SDK retries get through throttling', async () => {
    const failing = await startFixture({ faults: { throttle: 0, internal: 1 } });
    fixtures.push(failing);
    await createTable(failing.write, 'Faults', 'readings');
    await expect(
      failing.write.send(
        new WriteRecordsCommand({
          DatabaseName: 'Faults',
          TableName: 'readings',
          Records: [doubleRecord('1', 'co2', '1', Date.now())],
        }),
      ),
    ).rejects.toBeInstanceOf(InternalServerException);

    const flaky = await startFixture({ faults: 'throttle:0.3' });
    fixtures.push(flaky);
    await createTable(flaky.write, 'Faults', 'readings');
    const retrying = new TimestreamWriteClient({ ...clientConfig(flaky.ts.endpoint), maxAttempts: 20 });
    try {
      const t = Date.now();
      for (let i = 0; i < 6; i++) {
        const out = await retrying.send(
          new WriteRecordsCommand({
            DatabaseName: 'Faults',
            TableName: 'readings',
            Records: [doubleRecord(`d${i}`, 'co2', '1', t)],
          }),
        );
        expect(out.RecordsIngested?.Total).toBe(1);
      }
    } finally {
      retrying.destroy();
    }
  });
});
