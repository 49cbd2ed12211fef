import { describe, expect, it } from 'vitest';
import { queryLanguageService } from './query-language-fixture';

// Cases from the Timestream Developer Guide, "Date / time functions" and "Date / time operators": each query
// with the result and the output type the guide documents (the clock is the guide's 2022-07-07 17:42:32.939).
const ts = queryLanguageService();

describe('date / time functions: general and conversion', () => {
  it.each([
    ['SELECT current_date', '2022-07-07', 'date'],
    ['SELECT current_time', '17:42:32.939000000', 'time'],
    ['SELECT current_timestamp', '2022-07-07 17:42:32.939000000', 'timestamp'],
    ['SELECT now()', '2022-07-07 17:42:32.939000000', 'timestamp'],
    ['SELECT current_timezone()', 'UTC', 'varchar'],
    ["SELECT date(TIMESTAMP '2022-07-07 17:44:43.771000000')", '2022-07-07', 'date'],
    ["SELECT date('2022-07-07')", '2022-07-07', 'date'],
    ["SELECT last_day_of_month(TIMESTAMP '2022-07-07 17:44:43.771000000')", '2022-07-31', 'date'],
    ["SELECT last_day_of_month(DATE '2024-02-07')", '2024-02-29', 'date'],
    [
      "SELECT from_iso8601_timestamp('2022-06-17T08:04:05.000000000+05:00')",
      '2022-06-17 03:04:05.000000000',
      'timestamp',
    ],
    ["SELECT from_iso8601_date('2022-07-17')", '2022-07-17', 'date'],
    ["SELECT to_iso8601(from_iso8601_date('2022-06-17'))", '2022-06-17', 'varchar'],
    [
      "SELECT to_iso8601(TIMESTAMP '2022-06-17 08:04:05.123456789')",
      '2022-06-17T08:04:05.123456789Z',
      'varchar',
    ],
    ['SELECT from_milliseconds(1)', '1970-01-01 00:00:00.001000000', 'timestamp'],
    ['SELECT from_nanoseconds(300000001)', '1970-01-01 00:00:00.300000001', 'timestamp'],
    ['SELECT from_unixtime(1)', '1970-01-01 00:00:01.000000000', 'timestamp'],
    ['SELECT localtime', '17:42:32.939000000', 'time'],
    ['SELECT localtimestamp', '2022-07-07 17:42:32.939000000', 'timestamp'],
    ["SELECT to_milliseconds(INTERVAL '2' DAY + INTERVAL '3' HOUR)", '183600000', 'bigint'],
    ["SELECT to_milliseconds(TIMESTAMP '2022-06-17 17:44:43.771000000')", '1655487883771', 'bigint'],
    ["SELECT to_nanoseconds(INTERVAL '2' DAY + INTERVAL '3' HOUR)", '183600000000000', 'bigint'],
    ["SELECT to_nanoseconds(TIMESTAMP '2022-06-17 17:44:43.771000678')", '1655487883771000678', 'bigint'],
    ["SELECT to_unixtime('2022-06-17 17:44:43.771000000')", '1.6554878837710001E9', 'double'],
  ])('%s = %s (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });

  it("refuses a time string that is not a timestamp with Trino's message, wherever a string is read as a time", async () => {
    for (const sql of [
      "SELECT bin('garbage', 1h)",
      "SELECT day_of_week('garbage')",
      "SELECT extract(YEAR FROM 'garbage')",
      "SELECT to_unixtime('garbage')",
      "SELECT date_trunc('hour', 'garbage')",
    ]) {
      expect(await ts.refusal(sql)).toMatch(/Value cannot be cast to timestamp: garbage/);
    }
    // a string that is one still reads as one
    expect(await ts.value("SELECT bin('2022-06-17 10:15:20.123456789', 1h)")).toEqual([
      '2022-06-17 10:00:00.000000000',
      'timestamp',
    ]);
  });

  it('refuses negative times, as the guide says for every operation that results in one', async () => {
    expect(await ts.refusal('SELECT from_milliseconds(-1)')).toMatch(/negative time/);
    expect(await ts.refusal('SELECT from_unixtime(-1.5)')).toMatch(/negative time/);
  });
});

describe('date / time functions: interval and duration', () => {
  it.each([
    [
      "SELECT date_add('hour', 9, TIMESTAMP '2022-06-17 00:00:00')",
      '2022-06-17 09:00:00.000000000',
      'timestamp',
    ],
    ["SELECT date_add('day', 3, DATE '2022-06-17')", '2022-06-20', 'date'],
    ["SELECT date_diff('day', DATE '2020-03-01', DATE '2020-03-02')", '1', 'bigint'],
    [
      "SELECT date_diff('hour', TIMESTAMP '2020-03-01 00:00:00', TIMESTAMP '2020-03-02 01:30:00')",
      '25',
      'bigint',
    ],
    ["SELECT parse_duration('42.8ms')", '0 00:00:00.042800000', 'interval_day_to_second'],
    ["SELECT typeof(parse_duration('42.8ms'))", 'interval day to second', 'varchar'],
    ["SELECT parse_duration('3.81 d')", '3 19:26:24.000000000', 'interval_day_to_second'],
    ["SELECT bin(TIMESTAMP '2022-06-17 10:15:20', 5m)", '2022-06-17 10:15:00.000000000', 'timestamp'],
    ['SELECT ago(1d)', '2022-07-06 17:42:32.939000000', 'timestamp'],
    ['SELECT 1d', '1 00:00:00.000000000', 'interval_day_to_second'],
    ['SELECT 1day', '1 00:00:00.000000000', 'interval_day_to_second'],
    ['SELECT 2hour', '0 02:00:00.000000000', 'interval_day_to_second'],
    ['SELECT 7millisecond', '0 00:00:00.007000000', 'interval_day_to_second'],
  ])('%s = %s (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });

  it('refuses a malformed duration, naming the forms parse_duration reads', async () => {
    expect(await ts.refusal("SELECT parse_duration('soon')")).toMatch(
      /parse_duration\(\): invalid duration 'soon'/,
    );
  });
});

describe('date / time functions: formatting and parsing', () => {
  it.each([
    [
      "SELECT date_format(TIMESTAMP '2019-10-20 10:20:20', '%Y-%m-%d %H:%i:%s')",
      '2019-10-20 10:20:20',
      'varchar',
    ],
    [
      "SELECT date_parse('2019-10-20 10:20:20', '%Y-%m-%d %H:%i:%s')",
      '2019-10-20 10:20:20.000000000',
      'timestamp',
    ],
    [
      "SELECT format_datetime(parse_datetime('1968-01-13 12', 'yyyy-MM-dd HH'), 'yyyy-MM-dd HH')",
      '1968-01-13 12',
      'varchar',
    ],
    [
      "SELECT parse_datetime('2019-12-29 10:10 PST', 'uuuu-LL-dd HH:mm z')",
      '2019-12-29 18:10:00.000000000',
      'timestamp',
    ],
  ])('%s = %s (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });

  it('refuses a format specifier it cannot honour, naming it', async () => {
    expect(await ts.refusal("SELECT date_format(TIMESTAMP '2019-10-20 10:20:20', '%Q')")).toMatch(
      /format specifier '%Q' is not supported/,
    );
  });

  it("fails on the specifiers Trino's date_format does not support, with its message", async () => {
    for (const spec of ['D', 'U', 'u', 'V', 'w', 'X'])
      expect(await ts.refusal(`SELECT date_format(TIMESTAMP '2019-10-20 10:20:20', '%${spec}')`)).toMatch(
        new RegExp(`%${spec} not supported in date format string$`),
      );
  });

  it('week-based years and weeks: %x-%v, Joda xxxx-ww, e (day of week) and G (era)', async () => {
    // 2021-01-03 is a Sunday, in ISO week 53 of 2020; 2021-01-04 starts week 1 of 2021
    expect(await ts.value("SELECT date_format(TIMESTAMP '2021-01-03 10:00:00', '%x-%v')")).toEqual([
      '2020-53',
      'varchar',
    ]);
    expect(await ts.value("SELECT format_datetime(TIMESTAMP '2021-01-04 10:00:00', 'xxxx-ww e G')")).toEqual([
      '2021-01 1 AD',
      'varchar',
    ]);
    expect(await ts.value("SELECT format_datetime(TIMESTAMP '2021-01-03 10:00:00', 'xxxx-ww ee')")).toEqual([
      '2020-53 07',
      'varchar',
    ]);
  });
});

describe('date / time functions: extraction, also of a timestamp string', () => {
  const t = "'2019-10-12 23:10:34.000000000'";
  it.each([
    [`SELECT extract(YEAR FROM ${t})`, '2019'],
    [`SELECT day(${t})`, '12'],
    [`SELECT day_of_month(${t})`, '12'],
    [`SELECT day_of_week(${t})`, '6'],
    [`SELECT day_of_year(${t})`, '285'],
    [`SELECT dow(${t})`, '6'],
    [`SELECT doy(${t})`, '285'],
    [`SELECT hour(${t})`, '23'],
    [`SELECT millisecond(${t})`, '0'],
    [`SELECT minute(${t})`, '10'],
    [`SELECT month(${t})`, '10'],
    [`SELECT quarter(${t})`, '4'],
    [`SELECT second(${t})`, '34'],
    [`SELECT week(${t})`, '41'],
    [`SELECT week_of_year(${t})`, '41'],
    [`SELECT year(${t})`, '2019'],
    [`SELECT year_of_week(${t})`, '2019'],
    [`SELECT yow(${t})`, '2019'],
    ['SELECT nanosecond(current_timestamp)', '939000000'],
    ["SELECT nanosecond(TIMESTAMP '2022-06-17 17:44:43.771000678')", '771000678'],
  ])('%s = %s (bigint)', async (sql, result) => {
    expect(await ts.value(sql)).toEqual([result, 'bigint']);
  });
});

describe('date / time operators', () => {
  it.each([
    ["SELECT date '2022-05-21' + interval '2' day", '2022-05-23', 'date'],
    ["SELECT date '2022-05-21' + 2d", '2022-05-23', 'date'],
    ["SELECT date '2022-05-21' + 2day", '2022-05-23', 'date'],
    ["SELECT typeof(date '2022-05-21' + interval '2' day)", 'date', 'varchar'],
    ["SELECT date '2022-05-21' - interval '1' month", '2022-04-21', 'date'],
    ["SELECT interval '4' year + interval '2' month", '4-2', 'interval_year_to_month'],
    ["SELECT typeof(interval '4' year + interval '2' month)", 'interval year to month', 'varchar'],
    ["SELECT interval '2' year + interval '4' month", '2-4', 'interval_year_to_month'],
    ["SELECT INTERVAL '1-2' YEAR TO MONTH", '1-2', 'interval_year_to_month'],
    ["SELECT timestamp '2022-06-17 01:00' - interval '7' hour", '2022-06-16 18:00:00.000000000', 'timestamp'],
    ["SELECT typeof(timestamp '2022-06-17 01:00' - interval '7' hour)", 'timestamp', 'varchar'],
    ["SELECT interval '6' day - interval '4' hour", '5 20:00:00.000000000', 'interval_day_to_second'],
    ["SELECT typeof(interval '6' day - interval '4' hour)", 'interval day to second', 'varchar'],
  ])('%s = %s (%s)', async (sql, result, type) => {
    expect(await ts.value(sql)).toEqual([result, type]);
  });

  it('refuses hours added to a date, as the guide says', async () => {
    expect(await ts.refusal("SELECT date '2022-05-21' + interval '2' hour")).toMatch(
      /cannot be added to or subtracted from a date/,
    );
    expect(await ts.refusal("SELECT date '2022-05-21' + 3h")).toMatch(/cannot be added/);
  });
});

describe('durations finer than a microsecond', () => {
  it.each([
    ["SELECT TIMESTAMP '2022-06-17 10:00:00' + 50ns", '2022-06-17 10:00:00.000000050'],
    ["SELECT TIMESTAMP '2022-06-17 10:00:00' - 1ns", '2022-06-17 09:59:59.999999999'],
    ["SELECT TIMESTAMP '2022-06-17 10:00:00' - 1nanosecond", '2022-06-17 09:59:59.999999999'],
    ['SELECT ago(1ns)', '2022-07-07 17:42:32.938999999'],
    ["SELECT bin(TIMESTAMP '2022-06-17 10:00:00.000000123', 100ns)", '2022-06-17 10:00:00.000000100'],
  ])('%s = %s (timestamp)', async (sql, result) => {
    expect(await ts.value(sql)).toEqual([result, 'timestamp']);
  });

  it('bins times before 1970 down to the start of their bin, as after it (floor, not truncation)', async () => {
    expect(await ts.value("SELECT bin(TIMESTAMP '1969-12-31 23:30:00', 1h)")).toEqual([
      '1969-12-31 23:00:00.000000000',
      'timestamp',
    ]);
    expect(await ts.value("SELECT bin(TIMESTAMP '1969-12-31 23:59:59.999999950', 100ns)")).toEqual([
      '1969-12-31 23:59:59.999999900',
      'timestamp',
    ]);
  });

  it('bins into a bucket longer than 2^63 ns (every time since 1970 in the first), and refuses one not in whole microseconds', async () => {
    expect(await ts.value("SELECT bin(TIMESTAMP '2022-07-07 10:11:12', 300000d)")).toEqual([
      '1970-01-01 00:00:00.000000000',
      'timestamp',
    ]);
    expect(await ts.refusal("SELECT bin(TIMESTAMP '2022-07-07 10:11:12', 9300000000000000001ns)")).toMatch(
      /longer than 292 years/,
    );
  });

  it('bins a time read from a subquery or made from random() once, consistently', async () => {
    // a random time in [1969-12-31 23:59:58.5, 23:59:59.5): its 1 s bin is 23:59:58 or 23:59:59, never another
    const { rows } = await ts.run(
      "SELECT bin(TIMESTAMP '1969-12-31 23:59:58.500' + random(1000) * 1ms, 1s) AS b FROM (VALUES 1, 2, 3, 4, 5, 6, 7, 8) AS t(x)",
    );
    expect(rows).toHaveLength(8);
    for (const [b] of rows)
      expect(['1969-12-31 23:59:58.000000000', '1969-12-31 23:59:59.000000000']).toContain(b);
    expect(
      await ts.value("SELECT bin((SELECT max(x) FROM (VALUES TIMESTAMP '2022-06-17 10:15:20') AS t(x)), 5m)"),
    ).toEqual(['2022-06-17 10:15:00.000000000', 'timestamp']);
  });

  it('refuses one where it cannot be held (DuckDB intervals hold microseconds)', async () => {
    expect(await ts.refusal('SELECT 50ns')).toMatch(/finer than a microsecond/);
    expect(await ts.refusal('SELECT 1s + 50ns')).toMatch(/only be added to or subtracted from a timestamp/);
  });
});
