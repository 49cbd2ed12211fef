import type { ColumnInfo, Row } from '@aws-sdk/client-timestream-query';
import { beforeAll, describe, expect, it } from 'vitest';
import { createQueryEngine, type QueryEngine } from '../../src/sql';
import { DEVOPS_DIMENSIONS, DEVOPS_POINTS, DEVOPS_START_MS, devopsHosts, devopsRows } from './devops-fixture';
// The 13 panel queries of the Timestream plugin's sample dashboard (grafana/timestream-datasource, Apache-2.0).
import panels from './grafana-sample-panels.json';
import { FixtureStore, nsOf } from './storage-fixture';

const FROM_MS = DEVOPS_START_MS - 60_000;
const TO_MS = DEVOPS_START_MS + 3 * 3600_000;

/** Expands the plugin's macros as pkg/timestream/macros.go does. */
function expandMacros(sql: string, measure: string | null): string {
  return sql
    .replaceAll('$__timeFilter', `time BETWEEN from_milliseconds(${FROM_MS}) AND from_milliseconds(${TO_MS})`)
    .replaceAll('$__database', '"grafanaDB"')
    .replaceAll('$__table', '"DevOps"')
    .replaceAll('$__measure', measure ?? 'cpu_user')
    .replaceAll('$__interval_ms', '60000ms');
}

const types = (columns: ColumnInfo[]) =>
  columns.map((c) => [c.Name, c.Type?.ScalarType ?? Object.keys(c.Type ?? {})[0]]);
const cell = (row: Row | undefined, i: number) => row?.Data?.[i]?.ScalarValue;

describe('the Grafana sample dashboard panels on a DevOps table', () => {
  let engine: QueryEngine;
  const results = new Map<string, Awaited<ReturnType<QueryEngine['execute']>>>();

  beforeAll(async () => {
    const store = await FixtureStore.create();
    await store.addTable({
      database: 'grafanaDB',
      table: 'DevOps',
      dimensions: [...DEVOPS_DIMENSIONS],
      rows: devopsRows(),
    });
    engine = createQueryEngine({
      connection: store.connection,
      catalog: store,
      now: () => nsOf('2022-09-20T15:00:00Z'),
    });
    for (const p of panels) results.set(p.title, await engine.execute(expandMacros(p.rawQuery, p.measure)));
  });

  it('runs all 13 panel queries', () => {
    expect(panels).toHaveLength(13);
    expect(results.size).toBe(13);
  });

  it('Host count by micro-service: one BIGINT column per service, 8 us-east-1 hosts each', () => {
    const r = results.get('Host count by micro-service') ?? expect.unreachable();
    expect(types(r.columnInfo)).toEqual(
      ['apollo', 'athena', 'demeter', 'hercules', 'zeus'].map((n) => [n, 'BIGINT']),
    );
    expect(r.rows).toHaveLength(5);
    for (const row of r.rows) {
      expect(row.Data?.filter((d) => d.ScalarValue !== undefined).map((d) => d.ScalarValue)).toEqual(['8']);
      expect(row.Data?.filter((d) => d.NullValue === true)).toHaveLength(4);
    }
  });

  it('Percentage of hosts with high CPU: one DOUBLE between 0 and 100', () => {
    const r =
      results.get('Percentage hosts with high CPU utilization in Micro-service Zeus') ?? expect.unreachable();
    expect(types(r.columnInfo)).toEqual([['PercentageHigh', 'DOUBLE']]);
    const value = Number(cell(r.rows[0], 0));
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(100);
  });

  it('GC pause distribution: WITH, DENSE_RANK, joins, STDDEV and percentiles', () => {
    const r = results.get('GC Pause distribution for high memory utilization hosts') ?? expect.unreachable();
    expect(types(r.columnInfo)).toEqual([
      ...['region', 'cell', 'silo', 'microservice_name', 'instance_name', 'process_name', 'jdk_version'].map(
        (n) => [n, 'VARCHAR'],
      ),
      ...[
        'min_gc_pause',
        'avg_gc_pause',
        'stddev_gc_pause',
        'p50_gc_pause',
        'p90_gc_pause',
        'p99_gc_pause',
      ].map((n) => [n, 'DOUBLE']),
    ]);
    expect(r.rows.length).toBeGreaterThan(0);
    for (const row of r.rows) {
      expect(cell(row, 0)).toBe('us-east-1');
      expect(Number(cell(row, 7))).toBeLessThanOrEqual(Number(cell(row, 12)));
    }
  });

  it('Memory used distribution: hourly bins ordered by p99 descending', () => {
    const r = results.get('Memory used distribution for a Micro-service') ?? expect.unreachable();
    expect(types(r.columnInfo)).toEqual([
      ['region', 'VARCHAR'],
      ['cell', 'VARCHAR'],
      ['microservice_name', 'VARCHAR'],
      ['hour', 'TIMESTAMP'],
      ['num_hosts', 'BIGINT'],
      ['avg_value', 'DOUBLE'],
      ['p90_value', 'DOUBLE'],
      ['p95_value', 'DOUBLE'],
      ['p99_value', 'DOUBLE'],
    ]);
    // 2 regions x 2 cells x 2 hours
    expect(r.rows).toHaveLength(8);
    expect(r.rows.map((row) => cell(row, 3)).sort()[0]).toBe('2022-09-20 12:00:00.000000000');
    // instance names repeat across silos: 2 distinct per cell
    expect(r.rows.every((row) => cell(row, 4) === '2')).toBe(true);
    const p99 = r.rows.map((row) => Number(cell(row, 8)));
    expect([...p99].sort((a, b) => b - a)).toEqual(p99);
  });

  it('CPU usage: per-minute bins of eight conditional averages, newest first', () => {
    const r = results.get('CPU Usage for a micro-service within a Silo') ?? expect.unreachable();
    expect(types(r.columnInfo)[0]).toEqual(['time_bin', 'TIMESTAMP']);
    expect(types(r.columnInfo).slice(1)).toEqual(
      ['user', 'system', 'idle', 'iowait', 'steal', 'nice', 'si', 'hi'].map((n) => [
        `avg_cpu_${n}`,
        'DOUBLE',
      ]),
    );
    expect(r.rows).toHaveLength(DEVOPS_POINTS);
    expect(cell(r.rows[0], 0)).toBe(
      new Date(DEVOPS_START_MS + (DEVOPS_POINTS - 1) * 300_000)
        .toISOString()
        .replace('T', ' ')
        .replace('.000Z', '.000000000'),
    );
  });

  it('Hosts with low CPU: HAVING approx_percentile, counted as BIGINT', () => {
    const r = results.get('Hosts with Low CPU Utilization in Microservice Apollo') ?? expect.unreachable();
    expect(types(r.columnInfo)).toEqual([['NumLowUtilizationHosts', 'BIGINT']]);
    expect(Number(cell(r.rows[0], 0))).toBeGreaterThanOrEqual(0);
    expect(Number(cell(r.rows[0], 0))).toBeLessThanOrEqual(16);
  });

  it('Task end state distribution: GROUP BY measure_value::varchar, ORDER BY ordinal', () => {
    const r = results.get('Task End State Distribution') ?? expect.unreachable();
    expect(types(r.columnInfo)).toEqual([
      ['task_end_state', 'VARCHAR'],
      ['num_tasks', 'BIGINT'],
    ]);
    // 2 silos x 2 instances on ap-northeast-1-cell-1 apollo, 24 points, states cycling over 3
    expect(r.rows.map((row) => Number(cell(row, 1))).reduce((a, b) => a + b, 0)).toBe(4 * DEVOPS_POINTS);
    expect(r.rows.map((row) => cell(row, 0)).sort()).toEqual([
      'FAILURE',
      'SUCCESS_WITH_NO_RESULT',
      'SUCCESS_WITH_RESULT',
    ]);
  });

  it('Hosts with high GC pause: CREATE_TIME_SERIES gives time series of DOUBLE', () => {
    const r = results.get('Hosts with High GC Pause') ?? expect.unreachable();
    expect(r.columnInfo[3]).toEqual({
      Name: 'gc_pause',
      Type: { TimeSeriesMeasureValueColumnInfo: { Type: { ScalarType: 'DOUBLE' } } },
    });
    expect(r.rows).toHaveLength(2);
    const series = r.rows[0]?.Data?.[3]?.TimeSeriesValue ?? [];
    expect(series).toHaveLength(DEVOPS_POINTS);
    expect(series[0]?.Time).toBe('2022-09-20 12:00:00.000000000');
    expect(series[0]?.Value?.ScalarValue).toMatch(/^\d+\.\d+$/);
  });

  it('Disk IO reads: ROUND(AVG(bigint)) is DOUBLE, a double percentile of a bigint measure is null', () => {
    const r = results.get('Disk IO Reads for a host') ?? expect.unreachable();
    expect(types(r.columnInfo)).toEqual([
      ['time_bin', 'TIMESTAMP'],
      ['avg_value', 'DOUBLE'],
      ['p90_value', 'DOUBLE'],
    ]);
    expect(r.rows).toHaveLength(DEVOPS_POINTS);
    expect(r.rows[0]?.Data?.[2]).toEqual({ NullValue: true });
  });

  it('Per cell average CPU: bins of $__interval_ms', () => {
    const r = results.get('Per Cell Avg CPU Utilization for Microservice Apollo') ?? expect.unreachable();
    expect(types(r.columnInfo).map((t) => t[1])).toEqual([
      'VARCHAR',
      'VARCHAR',
      'VARCHAR',
      'VARCHAR',
      'TIMESTAMP',
      'DOUBLE',
    ]);
    expect(r.rows).toHaveLength(2 * DEVOPS_POINTS);
  });

  it('Hosts table: one row per us-east-1 host, sorted', () => {
    const r = results.get('Hosts') ?? expect.unreachable();
    expect(r.columnInfo).toHaveLength(8);
    const expected = devopsHosts()
      .filter((h) => h.region === 'us-east-1')
      .map((h) =>
        [
          h.region,
          h.cell,
          h.silo,
          h.availability_zone,
          h.microservice_name,
          h.instance_type,
          h.os_version,
          h.instance_name,
        ].join('|'),
      )
      .sort();
    expect(r.rows.map((row) => row.Data?.map((d) => d.ScalarValue).join('|'))).toEqual(expected);
  });

  it('Measure names: SHOW MEASURES with dimension arrays', () => {
    const r = results.get('Measure Names') ?? expect.unreachable();
    expect(r.columnInfo.map((c) => c.Name)).toEqual(['measure_name', 'data_type', 'dimensions']);
    expect(r.rows).toHaveLength(12);
    expect(r.rows.find((row) => cell(row, 0) === 'disk_io_reads')?.Data?.[1]).toEqual({
      ScalarValue: 'bigint',
    });
  });

  it('Regional service distribution: approx_distinct of a || concatenation', () => {
    const r = results.get('Regional service distribution') ?? expect.unreachable();
    expect(types(r.columnInfo)).toEqual([
      ['region', 'VARCHAR'],
      ['cell', 'VARCHAR'],
      ['silo', 'VARCHAR'],
      ['availability_zone', 'VARCHAR'],
      ['num_instances', 'BIGINT'],
    ]);
    expect(r.rows).toHaveLength(8);
    expect(r.rows.every((row) => cell(row, 4) === '10')).toBe(true);
  });
});
