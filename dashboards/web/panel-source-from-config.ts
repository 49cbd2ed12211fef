import type { TimestreamQueryClient } from '@aws-sdk/client-timestream-query';
import type { InfluxDbClient } from '#adapters/influxdb-client';
import { type PipelineConfig, Storage } from '#core/config';
import type { UnitRegistry } from '#core/units';
import { buildInfluxDbDashboard, influxDbDashboardOptions } from '../grafana/influxdb-dashboard';
import { createInfluxDbPanelSource } from './influxdb-panel-source';
import type { PanelDataSource } from './panel-service';
import { createTimestreamPanelSource } from './timestream-panel-source';

/** The clients of the two stores, built only for the store STORAGE names. */
export interface PanelSourceClients {
  readonly timestreamQuery: () => TimestreamQueryClient;
  readonly influxdb: () => InfluxDbClient;
}

/**
 * The dashboard's panel source as the configuration names it, the one place that picks the store from STORAGE
 * for the dashboard (as the writer's sink and the rollup are picked): the Timestream dashboard's SQL on the
 * raw and aggregate tables, or the InfluxDB dashboard built for this configuration (`buildInfluxDbDashboard`:
 * its measurements, ROLLUP_TIMEZONE and units) with its InfluxQL on INFLUXDB_DATABASE.
 */
export function panelSourceFromConfig(
  config: Pick<
    PipelineConfig,
    | 'storage'
    | 'database'
    | 'influxdbDatabase'
    | 'rawTable'
    | 'aggregateTable'
    | 'recordLayout'
    | 'rollupTimezone'
    | 'timestreamQueryBilling'
    | 'timestreamTcuHourUsd'
  >,
  clients: PanelSourceClients,
  units: UnitRegistry,
): PanelDataSource {
  if (config.storage === Storage.influxdb) {
    return createInfluxDbPanelSource({
      client: clients.influxdb(),
      database: config.influxdbDatabase || config.database,
      rawMeasurement: config.rawTable,
      aggregateMeasurement: config.aggregateTable,
      dashboard: buildInfluxDbDashboard(influxDbDashboardOptions(config, units)),
    });
  }
  return createTimestreamPanelSource({
    queryClient: clients.timestreamQuery(),
    database: config.database,
    rawTable: config.rawTable,
    aggregateTable: config.aggregateTable,
    layout: config.recordLayout,
    queryBilling: { model: config.timestreamQueryBilling, tcuHourUsd: config.timestreamTcuHourUsd },
  });
}
