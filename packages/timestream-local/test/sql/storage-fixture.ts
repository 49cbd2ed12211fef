import { type DuckDBConnection, DuckDBInstance, DuckDBTimestampNanosecondsValue } from '@duckdb/node-api';
import type {
  ColumnView,
  MeasureDataType,
  MeasureInfo,
  QueryCatalog,
  TableView,
} from '../../src/storage/catalog';

/** One single-measure record as WriteRecords would store it. */
export interface SingleMeasureRow {
  readonly time: string; // ISO-8601 UTC, e.g. 2022-04-20T05:51:00Z (ns precision allowed: .123456789Z)
  readonly dimensions: Readonly<Record<string, string>>;
  readonly measureName: string;
  readonly type: Exclude<MeasureDataType, 'multi'>;
  readonly value: string | number | boolean | null;
}

export interface TableSpec {
  readonly database: string;
  readonly table: string;
  readonly dimensions: readonly string[];
  readonly rows?: readonly SingleMeasureRow[];
  readonly multiMeasureColumns?: readonly ColumnView[];
  readonly retentionCutoffNs?: bigint;
}

const DUCK_TYPE: Record<string, string> = {
  DOUBLE: 'DOUBLE',
  BIGINT: 'BIGINT',
  VARCHAR: 'VARCHAR',
  BOOLEAN: 'BOOLEAN',
  TIMESTAMP: 'TIMESTAMP_NS',
};

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** ns since epoch of an ISO-8601 UTC time, keeping up to nine fractional digits. */
function nsOfIso(iso: string): bigint {
  const m = /^(.*?)(?:\.(\d{1,9}))?Z$/.exec(iso);
  if (m === null) throw new Error(`not an ISO-8601 UTC time: ${iso}`);
  const fraction = (m[2] ?? '').padEnd(9, '0');
  return BigInt(Date.parse(`${m[1]}Z`)) * 1_000_000n + BigInt(fraction);
}

/** A Timestream-layout DuckDB store with an in-test QueryCatalog (the storage contract of catalog.ts). */
export class FixtureStore implements QueryCatalog {
  private readonly views = new Map<string, TableView>();
  private readonly databases = new Set<string>();

  private constructor(readonly connection: DuckDBConnection) {}

  static async create(): Promise<FixtureStore> {
    const instance = await DuckDBInstance.create(':memory:');
    return new FixtureStore(await instance.connect());
  }

  addDatabase(database: string): void {
    this.databases.add(database);
  }

  /** Creates the storage table (documented layout, with a hidden __ts_version column) and inserts the rows. */
  async addTable(spec: TableSpec, measures?: readonly MeasureInfo[]): Promise<TableView> {
    this.databases.add(spec.database);
    const tableName = `ts__${spec.database}__${spec.table}`;
    const relation = q(tableName);
    const multi = spec.multiMeasureColumns ?? [];
    const columns = [
      `"time" TIMESTAMP_NS`,
      ...spec.dimensions.map((d) => `${q(d)} VARCHAR`),
      'measure_name VARCHAR',
      '"measure_value::double" DOUBLE',
      '"measure_value::bigint" BIGINT',
      '"measure_value::varchar" VARCHAR',
      '"measure_value::boolean" BOOLEAN',
      '"measure_value::timestamp" TIMESTAMP_NS',
      ...multi.map((c) => `${q(c.name)} ${DUCK_TYPE[c.type]}`),
      '__ts_version BIGINT',
    ];
    await this.connection.run(`CREATE TABLE ${relation} (${columns.join(', ')})`);
    const rows = spec.rows ?? [];
    const appender = await this.connection.createAppender(tableName);
    for (const r of rows) {
      appender.appendTimestampNanoseconds(new DuckDBTimestampNanosecondsValue(nsOfIso(r.time)));
      for (const d of spec.dimensions) {
        const v = r.dimensions[d];
        if (v === undefined) appender.appendNull();
        else appender.appendVarchar(v);
      }
      appender.appendVarchar(r.measureName);
      for (const t of ['double', 'bigint', 'varchar', 'boolean', 'timestamp'] as const) {
        if (t !== r.type || r.value === null) appender.appendNull();
        else if (t === 'double') appender.appendDouble(Number(r.value));
        else if (t === 'bigint') appender.appendBigInt(BigInt(r.value));
        else if (t === 'varchar') appender.appendVarchar(String(r.value));
        else if (t === 'boolean') appender.appendBoolean(Boolean(r.value));
        else
          appender.appendTimestampNanoseconds(new DuckDBTimestampNanosecondsValue(nsOfIso(String(r.value))));
      }
      for (const _ of multi) appender.appendNull();
      appender.appendBigInt(1n);
      appender.endRow();
    }
    appender.closeSync();
    const derived = new Map<string, { dataType: MeasureDataType; dimensions: Set<string> }>();
    for (const r of rows) {
      const m = derived.get(r.measureName) ?? { dataType: r.type, dimensions: new Set<string>() };
      for (const d of Object.keys(r.dimensions)) m.dimensions.add(d);
      derived.set(r.measureName, m);
    }
    const view: TableView = {
      database: spec.database,
      table: spec.table,
      relation,
      dimensions: spec.dimensions,
      multiMeasureColumns: multi,
      measures:
        measures ??
        [...derived].map(([name, m]) => ({
          name,
          dataType: m.dataType,
          dimensions: spec.dimensions.filter((d) => m.dimensions.has(d)),
        })),
      retentionCutoffNs: spec.retentionCutoffNs ?? 0n,
    };
    this.views.set(`${spec.database}\u0000${spec.table}`, view);
    return view;
  }

  listDatabases(): readonly string[] {
    return [...this.databases];
  }

  listTables(database: string): readonly string[] | undefined {
    if (!this.databases.has(database)) return undefined;
    return [...this.views.values()].filter((v) => v.database === database).map((v) => v.table);
  }

  getTable(database: string, table: string): TableView | undefined {
    return this.views.get(`${database}\u0000${table}`);
  }
}

/** ns since epoch of an ISO-8601 UTC time with millisecond precision. */
export const nsOf = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
