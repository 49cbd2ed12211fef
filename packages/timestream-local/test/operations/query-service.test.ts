import type { Row } from '@aws-sdk/client-timestream-query';
import { describe, expect, it } from 'vitest';
import { ValidationException } from '../../src/errors';
import {
  type QueryResult,
  QueryService,
  queryResponseBody,
  queryResponseRows,
} from '../../src/operations/query-service';
import { RowsText } from '../../src/sql/rows-text';

/** A runner answering a fixed result set, counting how often it ran. */
function fixedRunner(rows: Row[], bytesScanned = 1234) {
  const runner = {
    runs: 0,
    async execute(): Promise<QueryResult> {
      runner.runs++;
      return {
        columnInfo: [{ Name: 'v', Type: { ScalarType: 'VARCHAR' } }],
        rowsText: RowsText.fromRows(rows),
        bytesScanned,
      };
    },
  };
  return runner;
}

const rowOf = (text: string): Row => ({ Data: [{ ScalarValue: text }] });

describe('QueryService', () => {
  it('cuts pages at about 1 MB when MaxRows is not given, and runs the query once', async () => {
    const big = 'x'.repeat(100_000);
    const runner = fixedRunner(Array.from({ length: 25 }, (_, i) => rowOf(`${i}${big}`)));
    const service = new QueryService([runner]);
    const pages: number[] = [];
    let token: string | undefined;
    do {
      const out = await service.query({ QueryString: 'q', NextToken: token });
      const body = queryResponseBody(out).toString('utf8');
      expect(body.length).toBeLessThanOrEqual(1024 * 1024 + 1000);
      // the body is the Query API's JSON, rows included, and its rows are the runner's
      const parsed = JSON.parse(body) as { Rows: Row[]; QueryId: string };
      expect(parsed.QueryId).toBe(out.QueryId);
      expect(parsed.Rows).toEqual(queryResponseRows(out));
      pages.push(parsed.Rows.length);
      token = out.NextToken;
      expect(out.QueryStatus).toEqual({
        ProgressPercentage: 100,
        CumulativeBytesScanned: 1234,
        CumulativeBytesMetered: 10 * 1024 * 1024,
      });
    } while (token);
    expect(pages.reduce((a, b) => a + b, 0)).toBe(25);
    expect(pages.length).toBe(3);
    expect(runner.runs).toBe(1);
  });

  it('lets the rows of a result go once its last page is answered (not when the result expires)', async () => {
    const service = new QueryService([fixedRunner([rowOf('a'), rowOf('b'), rowOf('c')])]);
    const first = await service.query({ QueryString: 'q', MaxRows: 2 });
    expect(service.keptRows).toBe(3);
    const last = await service.query({ QueryString: 'q', MaxRows: 2, NextToken: first.NextToken });
    expect(queryResponseRows(last)).toEqual([rowOf('c')]);
    expect(last.NextToken).toBeUndefined();
    expect(service.keptRows).toBe(0);
    // the query is still known: cancelling it answers as for any finished query
    expect(service.cancel(first.QueryId).CancellationMessage).toContain(first.QueryId);
  });

  it('expires results: a token past its lifetime is an invalid pagination token', async () => {
    let now = 1_000_000;
    const service = new QueryService([fixedRunner([rowOf('a'), rowOf('b')])], () => now);
    const first = await service.query({ QueryString: 'q', MaxRows: 1 });
    expect(first.NextToken).toBeDefined();
    now += 11 * 60 * 1000;
    await expect(service.query({ QueryString: 'q', NextToken: first.NextToken })).rejects.toThrow(
      'Invalid pagination token',
    );
  });

  it('validates MaxRows and the query string', async () => {
    const service = new QueryService([fixedRunner([])]);
    for (const MaxRows of [0, 1001, 1.5]) {
      await expect(service.query({ QueryString: 'q', MaxRows })).rejects.toBeInstanceOf(ValidationException);
    }
    await expect(service.query({ QueryString: '' })).rejects.toBeInstanceOf(ValidationException);
  });

  it('turns an engine failure that is not a service error into a ValidationException with its message', async () => {
    const service = new QueryService([
      {
        execute: async () => {
          throw new Error('Binder Error: column "nope" not found');
        },
      },
    ]);
    await expect(service.query({ QueryString: 'q' })).rejects.toThrow(/column "nope" not found/);
  });
});
