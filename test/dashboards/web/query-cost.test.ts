import { describe, expect, it } from 'vitest';
import { createTimestreamQueryClient } from '#adapters/service-clients';
import { ConfigError, readPipelineConfig } from '#core/config';
import { pricesByRegion } from '#core/cost/prices';
import {
  createDashboardApp,
  createPanelService,
  createTimestreamPanelSource,
  describeBytesScanned,
  describeRefreshCost,
  minimumTcuChargeUsd,
  type QueryBillingSettings,
} from '#dashboards/web';

const tcu: QueryBillingSettings = { model: 'tcu', tcuHourUsd: 0.5 };
const bytes: QueryBillingSettings = { model: 'bytes', tcuHourUsd: 0.5 };
const MB = 1024 * 1024;

describe('what the dashboard says queries cost', () => {
  it('prices the TCU floor: 4 TCUs for 30 s', () => {
    // 4 TCU x 30 s = 2 TCU-minutes = 1/30 TCU-hour
    expect(minimumTcuChargeUsd(0.5)).toBeCloseTo(0.5 / 30, 10);
    expect(minimumTcuChargeUsd(0.75)).toBeCloseTo(0.025, 10);
  });

  it('labels bytes scanned as what the query scanned, billed or not depending on the account', () => {
    const onTcu = describeBytesScanned(2048, tcu);
    expect(onTcu).toMatch(/^2\.0 KB: the bytes this query scanned \(QueryStatus\.CumulativeBytesScanned\)\./);
    expect(onTcu).toContain('Not what this account pays (TIMESTREAM_QUERY_BILLING=tcu)');
    expect(onTcu).toContain('at least 4 TCUs for at least 30 s ($0.017 at $0.50 per TCU-hour)');
    expect(describeBytesScanned(2048, bytes)).toMatch(
      /Billed .* 10 MB minimum per query: 10\.0 MB metered\.$/,
    );
    expect(describeBytesScanned(12.3 * MB, bytes)).toMatch(/: 13\.0 MB metered\.$/);
  });

  it('says what a refresh costs on TCU billing, and what auto-refresh costs per hour', () => {
    const once = describeRefreshCost({ queries: 6, bytes: 20_000 }, tcu);
    expect(once.text).toBe('6 queries scanned 19.5 KB · TCU-billed: ≥ $0.017 per refresh');
    expect(once.title).toContain('accounts onboarded since 2024-04-29');
    // every 30 s: 120 refreshes an hour, each at least 4 TCU x 30 s, so 4 TCU-hours
    expect(describeRefreshCost({ queries: 6, bytes: 0, refreshEveryMs: 30_000 }, tcu).text).toMatch(
      /≥ \$2\.00\/h on auto-refresh$/,
    );
    expect(describeRefreshCost({ queries: 6, bytes: 0, refreshEveryMs: 60_000 }, tcu).text).toMatch(
      /≥ \$1\.00\/h on auto-refresh$/,
    );
    expect(describeRefreshCost({ queries: 7, bytes: 2048 }, bytes).text).toBe(
      '7 queries scanned 2.0 KB (bytes-billed, ≥ 70.0 MB metered)',
    );
    expect(describeRefreshCost({ queries: 0, bytes: 0 }, tcu).text).toBe('no query run');
  });
});

describe('TIMESTREAM_QUERY_BILLING and TIMESTREAM_TCU_HOUR_USD', () => {
  it('default to TCU billing, as for accounts onboarded since 2024-04-29', () => {
    const config = readPipelineConfig({});
    // the default price is the one of the dated price file that `npm run cost` uses
    expect([config.timestreamQueryBilling, config.timestreamTcuHourUsd]).toEqual([
      'tcu',
      pricesByRegion['us-east-1']?.timestream.perTcuHour,
    ]);
    const set = readPipelineConfig({ TIMESTREAM_QUERY_BILLING: 'bytes', TIMESTREAM_TCU_HOUR_USD: '0.63' });
    expect([set.timestreamQueryBilling, set.timestreamTcuHourUsd]).toEqual(['bytes', 0.63]);
  });

  it('stop the program on a bad value, naming the variable, the value and what is allowed', () => {
    let error: unknown;
    try {
      readPipelineConfig({ TIMESTREAM_QUERY_BILLING: 'scan', TIMESTREAM_TCU_HOUR_USD: 'free' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'TIMESTREAM_QUERY_BILLING="scan": must be tcu (query compute, accounts onboarded since 2024-04-29) or bytes (bytes scanned)',
      'TIMESTREAM_TCU_HOUR_USD="free": must be a price in USD, e.g. 0.5',
    ]);
    expect(() => readPipelineConfig({ TIMESTREAM_TCU_HOUR_USD: '0' })).toThrow(
      /must be a price in USD above 0/,
    );
  });

  it('reach the page, which words its cost notes from them', async () => {
    // the page itself runs no query: the client is never called
    const queryClient = createTimestreamQueryClient({ timestreamEndpoint: 'http://127.0.0.1:9' });
    const app = createDashboardApp({
      panels: createPanelService(
        createTimestreamPanelSource({
          queryClient,
          database: 'RoomCondition',
          rawTable: 'conditions',
          aggregateTable: 'conditions_daily',
          layout: 'multi',
          queryBilling: { model: 'bytes', tcuHourUsd: 0.63 },
        }),
      ),
      title: 'IoT room conditions',
      clientScript: '',
      uplotCss: '',
      timeZone: 'Asia/Tokyo',
    });
    const html = await (await app.request('/')).text();
    expect(html).toContain(
      '<body data-time-zone="Asia/Tokyo" data-query-billing="bytes" data-tcu-hour-usd="0.63">',
    );
    queryClient.destroy();
  });
});
