import { type ColumnInfo, type Datum, QueryCommand, type Type } from '@aws-sdk/client-timestream-query';
import { afterAll, beforeAll, expect } from 'vitest';
import { type Fixture, startFixture } from '../local-timestream-fixture';

/** The clock of the query-language tests: 2022-07-07 17:42:32.939 UTC (the guide's example results). */
const GUIDE_NOW_MS = Date.parse('2022-07-07T17:42:32.939Z');

/** A column type as the guide names it: `varchar`, `array(varchar)`, `timestamp`, ... */
function typeName(type: Type | undefined): string {
  if (type?.ScalarType !== undefined) return type.ScalarType.toLowerCase();
  if (type?.ArrayColumnInfo !== undefined) return `array(${typeName(type.ArrayColumnInfo.Type)})`;
  if (type?.TimeSeriesMeasureValueColumnInfo !== undefined)
    return `timeseries(${typeName(type.TimeSeriesMeasureValueColumnInfo.Type)})`;
  return JSON.stringify(type);
}

/** One answered query: its columns' types and its rows as the guide prints them (arrays as JS arrays). */
export interface Answer {
  readonly types: string[];
  readonly rows: unknown[][];
}

const plain = (d: Datum): unknown => {
  if (d.NullValue) return null;
  if (d.ArrayValue !== undefined) return d.ArrayValue.map(plain);
  return d.ScalarValue;
};

/**
 * Starts one local Timestream (clock fixed at {@link GUIDE_NOW_MS}) for a test file and answers queries through
 * the Query API of the AWS SDK.
 */
export function queryLanguageService() {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture({ clock: () => BigInt(GUIDE_NOW_MS) * 1_000_000n });
  });
  afterAll(async () => {
    await f.close();
  });
  const run = async (sql: string): Promise<Answer> => {
    const out = await f.query.send(new QueryCommand({ QueryString: sql }));
    return {
      types: (out.ColumnInfo ?? []).map((c: ColumnInfo) => typeName(c.Type)),
      rows: (out.Rows ?? []).map((r) => (r.Data ?? []).map(plain)),
    };
  };
  return {
    run,
    /** The single value of a one-row, one-column query with its type, as `[value, type]`. */
    async value(sql: string): Promise<[unknown, string]> {
      const answer = await run(sql);
      expect(answer.rows).toHaveLength(1);
      return [answer.rows[0]?.[0], answer.types[0] as string];
    },
    /** The ValidationException message of a query the service refuses (fails the test when it is answered). */
    async refusal(sql: string): Promise<string> {
      const error = await run(sql).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((error as Error | undefined)?.name).toBe('ValidationException');
      return (error as Error).message;
    },
  };
}
