import type { QueryBilling } from '#core/config';

/** How the account's Timestream queries are billed (TIMESTREAM_QUERY_BILLING, TIMESTREAM_TCU_HOUR_USD). */
export interface QueryBillingSettings {
  readonly model: QueryBilling;
  /** USD per TCU-hour (used on `tcu` billing). */
  readonly tcuHourUsd: number;
}

/**
 * A store that bills no query: Amazon Timestream for InfluxDB charges the DB instance's hours, its storage and
 * data transfer, not queries, and InfluxDB reports no bytes scanned (STORAGE=influxdb).
 */
export interface InstanceBilling {
  readonly model: 'instance';
}

/** How the page words query cost: Timestream's billing, or none per query (InfluxDB). */
export type QueryCostModel = QueryBillingSettings | InstanceBilling;

/**
 * TCU billing's floor (Timestream developer guide, "Timestream Compute Unit (TCU)"): queries run on at least
 * 4 TCUs, billed per second with a 30-second minimum. Queries running at the same time share those TCUs.
 */
const tcuBillingFloor = { tcus: 4, seconds: 30 } as const;

/** Bytes-scanned billing: each query is metered to whole MB, at least 10 MB. */
const bytesMeteredMinimum = 10 * 1024 * 1024;

/** The least a burst of queries finishing within 30 s costs on TCU billing: 4 TCU x 30 s, in USD. */
export function minimumTcuChargeUsd(tcuHourUsd: number): number {
  return ((tcuBillingFloor.tcus * tcuBillingFloor.seconds) / 3600) * tcuHourUsd;
}

/** `$0.017`, `$0.50`, `$2.00`: tenths of a cent below ten cents, cents above. */
const formatUsd = (usd: number) => `$${usd < 0.1 ? usd.toFixed(3) : usd.toFixed(2)}`;

export const formatBytes = (n: number) =>
  n < 1024
    ? `${n} B`
    : n < 1024 ** 2
      ? `${(n / 1024).toFixed(1)} KB`
      : n < 1024 ** 3
        ? `${(n / 1024 ** 2).toFixed(1)} MB`
        : `${(n / 1024 ** 3).toFixed(2)} GB`;

/** What a panel's "scanned" figure means on this account's billing: the panel's tooltip. */
export function describeBytesScanned(bytes: number, billing: QueryBillingSettings): string {
  const what = `${formatBytes(bytes)}: the bytes this query scanned (QueryStatus.CumulativeBytesScanned).`;
  if (billing.model === 'bytes') {
    const metered = Math.max(bytesMeteredMinimum, Math.ceil(bytes / 1024 ** 2) * 1024 ** 2);
    return (
      `${what} Billed (TIMESTREAM_QUERY_BILLING=bytes) rounded up to whole MB with a 10 MB minimum ` +
      `per query: ${formatBytes(metered)} metered.`
    );
  }
  return (
    `${what} Not what this account pays (TIMESTREAM_QUERY_BILLING=tcu): Timestream bills query compute, ` +
    `at least ${tcuBillingFloor.tcus} TCUs for at least ${tcuBillingFloor.seconds} s ` +
    `(${formatUsd(minimumTcuChargeUsd(billing.tcuHourUsd))} at ${formatUsd(billing.tcuHourUsd)} per TCU-hour); ` +
    'queries running at the same time share those TCUs.'
  );
}

/**
 * The status line's words on a refresh of the whole page: the bytes scanned, and on TCU billing the least
 * that refresh costs and what auto-refresh costs per hour (it keeps at least 4 TCUs busy).
 *
 * @example
 * describeRefreshCost({ queries: 7, bytes: 2048, refreshEveryMs: 30_000 }, { model: 'tcu', tcuHourUsd: 0.5 });
 * // { text: '7 queries scanned 2.0 KB · TCU-billed: ≥ $0.017 per refresh, ≥ $2.00/h on auto-refresh', title: ... }
 */
export function describeRefreshCost(
  refresh: { readonly queries: number; readonly bytes: number; readonly refreshEveryMs?: number },
  billing: QueryCostModel,
): { text: string; title: string } {
  if (refresh.queries === 0) return { text: 'no query run', title: '' };
  if (billing.model === 'instance') {
    return {
      text: `${refresh.queries} ${refresh.queries === 1 ? 'query' : 'queries'} · InfluxDB: no charge per query`,
      title:
        'STORAGE=influxdb: InfluxDB reports no bytes scanned, and Amazon Timestream for InfluxDB bills the DB ' +
        'instance per hour, its storage per GB-month and data transfer, not queries: refreshing adds no ' +
        'charge, though heavy queries load the instance.',
    };
  }
  const scanned = `${refresh.queries} ${refresh.queries === 1 ? 'query' : 'queries'} scanned ${formatBytes(refresh.bytes)}`;
  if (billing.model === 'bytes') {
    const metered = refresh.queries * bytesMeteredMinimum;
    return {
      text: `${scanned} (bytes-billed, ≥ ${formatBytes(Math.max(metered, refresh.bytes))} metered)`,
      title:
        'TIMESTREAM_QUERY_BILLING=bytes: each query is billed on the bytes it scanned, rounded up to whole MB ' +
        'with a 10 MB minimum.',
    };
  }
  const perRefresh = minimumTcuChargeUsd(billing.tcuHourUsd);
  const refreshesPerHour =
    refresh.refreshEveryMs === undefined ? 0 : 3_600_000 / Math.max(refresh.refreshEveryMs, 30_000);
  const perHour = perRefresh * refreshesPerHour;
  return {
    text:
      `${scanned} · TCU-billed: ≥ ${formatUsd(perRefresh)} per refresh` +
      (refreshesPerHour > 0 ? `, ≥ ${formatUsd(perHour)}/h on auto-refresh` : ''),
    title:
      'TIMESTREAM_QUERY_BILLING=tcu (accounts onboarded since 2024-04-29): Timestream bills query compute, ' +
      `not bytes scanned: at least ${tcuBillingFloor.tcus} TCUs, per second with a ${tcuBillingFloor.seconds} s ` +
      `minimum, at ${formatUsd(billing.tcuHourUsd)} per TCU-hour (TIMESTREAM_TCU_HOUR_USD). A refresh whose ` +
      'queries finish within 30 s costs at least that minimum; heavier queries take more TCUs or longer. ' +
      'Bytes scanned still tell which panel is heavy.',
  };
}
