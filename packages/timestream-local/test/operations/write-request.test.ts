import { describe, expect, it } from 'vitest';
import { ValidationException } from '../../src/errors';
import type { ParsedRecord, RecordRejection } from '../../src/operations/parsed-record';
import { recordKey, valueFingerprint } from '../../src/operations/record-identity';
import { parseWriteRequest } from '../../src/operations/write-request';

const parsed = (body: Record<string, unknown>) =>
  parseWriteRequest({ DatabaseName: 'Db_x', TableName: 'tbl', ...body }).records;

describe('parseWriteRequest', () => {
  it('gives the same key whatever the dimension order, and equal fingerprints for equal values', () => {
    const [a, b] = parsed({
      Records: [
        {
          Dimensions: [
            { Name: 'b', Value: '2' },
            { Name: 'a', Value: '1' },
          ],
          MeasureName: 'm',
          MeasureValue: '600',
          Time: '1000',
        },
        {
          Dimensions: [
            { Name: 'a', Value: '1' },
            { Name: 'b', Value: '2' },
          ],
          MeasureName: 'm',
          MeasureValue: '600.0',
          Time: '1',
          TimeUnit: 'SECONDS',
        },
      ],
    }) as ParsedRecord[];
    expect(a!.key).toBe(b!.key);
    expect(a!.fingerprint).toBe(b!.fingerprint);
    expect(a!.timeNs).toBe(1_000_000_000n);
  });

  it('merges CommonAttributes, the record winning for scalar fields', () => {
    const [r] = parsed({
      CommonAttributes: {
        Dimensions: [{ Name: 'deviceId', Value: 'd' }],
        MeasureValueType: 'BIGINT',
        Time: '5',
        Version: 3,
      },
      Records: [{ MeasureName: 'n', MeasureValue: '42', Time: '6' }],
    }) as ParsedRecord[];
    expect(r).toMatchObject({
      measureName: 'n',
      timeNs: 6_000_000n,
      version: 3n,
      dimensions: [['deviceId', 'd']],
    });
    expect(r!.values).toEqual([{ name: 'n', type: 'BIGINT', value: 42n }]);
  });

  it('turns content problems into per-record rejections and model violations into a ValidationException', () => {
    const out = parsed({
      Records: [
        { MeasureName: 'm', MeasureValue: 'yes', MeasureValueType: 'BOOLEAN', Time: '1' },
        { MeasureName: 'm', MeasureValue: '1', MeasureValueType: 'BIGINT', Time: 'soon' },
        { MeasureName: 'm', MeasureValueType: 'MULTI', MeasureValues: [], Time: '1' },
      ],
    });
    expect(out.map((r) => ('reason' in r ? r.index : -1))).toEqual([0, 1, 2]);
    expect(() =>
      parsed({ Records: [{ MeasureName: 'm', MeasureValue: '1', Time: '1', TimeUnit: 'HOURS' }] }),
    ).toThrow(ValidationException);
    expect(() => parsed({ Records: 'nope' })).toThrow(/records/);
  });

  const modelError = (path: string, shown: string, constraint: string) =>
    `1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`;
  const errorOf = (body: Record<string, unknown>) => {
    try {
      parsed(body);
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationException);
      return (e as Error).message;
    }
    throw new Error('expected a ValidationException');
  };
  const one = (record: Record<string, unknown>, common?: Record<string, unknown>) =>
    parsed({ Records: [record], ...(common ? { CommonAttributes: common } : {}) })[0]!;
  const reasonOf = (record: Record<string, unknown>, common?: Record<string, unknown>) =>
    (one(record, common) as RecordRejection).reason;
  const base = { MeasureName: 'm', MeasureValue: '1', Time: '1' };

  it('limits names in UTF-8 bytes, exactly at the limit with multi-byte characters', () => {
    const withDim = (Name: string) => one({ ...base, Dimensions: [{ Name, Value: 'v' }] });
    // 60 bytes each: 2-byte, 3-byte, 4-byte (surrogate pair) and lone-surrogate (3-byte) characters
    for (const name of [
      'a'.repeat(60),
      'é'.repeat(30),
      'ア'.repeat(20),
      '😀'.repeat(15),
      '\ud800'.repeat(20),
    ]) {
      // held as stored: a lone surrogate becomes U+FFFD (same UTF-8 length)
      expect((withDim(name) as ParsedRecord).dimensions).toEqual([[name.toWellFormed(), 'v']]);
    }
    for (const name of [
      'a'.repeat(61),
      'é'.repeat(31),
      'ア'.repeat(21),
      `${'😀'.repeat(15)}a`,
      '\ud800'.repeat(21),
    ]) {
      expect(() => withDim(name)).toThrow(
        modelError(
          'records.1.member.dimensions.1.member.name',
          `'${name.slice(0, 64)}...'`,
          'Member must have length less than or equal to 60',
        ),
      );
    }
    expect(errorOf({ Records: [{ ...base, Dimensions: [{ Name: '', Value: 'v' }] }] })).toBe(
      modelError(
        'records.1.member.dimensions.1.member.name',
        "''",
        'Member must have length greater than or equal to 1',
      ),
    );
    // measure names and MULTI value names: 256 bytes
    expect(one({ ...base, MeasureName: 'é'.repeat(128) })).toMatchObject({ measureName: 'é'.repeat(128) });
    expect(errorOf({ Records: [{ ...base, MeasureName: 'é'.repeat(129) }] })).toBe(
      modelError(
        'records.1.member.measureName',
        `'${'é'.repeat(64)}...'`,
        'Member must have length less than or equal to 256',
      ),
    );
    const multi = (Name: string) => ({
      MeasureName: 'm',
      MeasureValueType: 'MULTI',
      MeasureValues: [
        { Name: 'x', Value: '1', Type: 'DOUBLE' },
        { Name, Value: '2', Type: 'DOUBLE' },
      ],
      Time: '1',
    });
    expect(one(multi('ア'.repeat(85)))).toHaveProperty('multi', true);
    expect(errorOf({ Records: [base, multi('ア'.repeat(86))] })).toBe(
      modelError(
        'records.2.member.measureValues.2.member.name',
        `'${'ア'.repeat(64)}...'`,
        'Member must have length less than or equal to 256',
      ),
    );
    expect(errorOf({ CommonAttributes: { MeasureName: '' }, Records: [base] })).toBe(
      modelError('commonAttributes.measureName', "''", 'Member must have length greater than or equal to 1'),
    );
  });

  it('counts the record size in UTF-8 bytes, with the exact figure in the rejection', () => {
    // 1 (measure name) + 8 + value bytes
    const varchar = (MeasureValue: string) => one({ ...base, MeasureValueType: 'VARCHAR', MeasureValue });
    expect(varchar(`${'é'.repeat(1019)}a`)).toHaveProperty('values', [
      { name: 'm', type: 'VARCHAR', value: `${'é'.repeat(1019)}a` },
    ]);
    expect((varchar('é'.repeat(1020)) as RecordRejection).reason).toBe(
      'The record is 2049 bytes; at most 2048 bytes are allowed.',
    );
    expect((varchar('😀'.repeat(600)) as RecordRejection).reason).toBe(
      'The record is 2409 bytes; at most 2048 bytes are allowed.',
    );
    // dimensions and MULTI values count too: 1 + 8 + (1 + 700 * 2) + (1 + 212 * 3) + (1 + 1) = 2049
    expect(
      reasonOf({
        MeasureName: 'm',
        Dimensions: [{ Name: 'd', Value: 'é'.repeat(700) }],
        MeasureValueType: 'MULTI',
        MeasureValues: [
          { Name: 'v', Value: 'ア'.repeat(212), Type: 'VARCHAR' },
          { Name: 'w', Value: '1', Type: 'DOUBLE' },
        ],
        Time: '1',
      }),
    ).toBe('The record is 2049 bytes; at most 2048 bytes are allowed.');
  });

  it('sorts dimensions by name and builds the key from them, few or many', () => {
    const r = one({
      ...base,
      Dimensions: [
        { Name: 'b', Value: '2' },
        { Name: 'c', Value: '3' },
        { Name: 'a', Value: '1' },
        { Name: 'B', Value: '0' },
      ],
    }) as ParsedRecord;
    expect(r.dimensions).toEqual([
      ['B', '0'],
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]);
    expect(r.key).toBe(
      '1000000\u001e1\u001fm\u001e1:1\u001fB0\u001e1:1\u001fa1\u001e1:1\u001fb2\u001e1:1\u001fc3',
    );
    const names = Array.from({ length: 40 }, (_, i) => `d${String(i).padStart(2, '0')}`);
    const many = one({
      ...base,
      Dimensions: names.toReversed().map((Name) => ({ Name, Value: Name })),
    }) as ParsedRecord;
    expect(many.dimensions.map((d) => d[0])).toEqual(names);
    expect(many.key).toBe(recordKey(1_000_000n, 'm', many.dimensions));
    expect(reasonOf({ ...base, Dimensions: [...names, 'd07'].map((Name) => ({ Name, Value: 'v' })) })).toBe(
      "Dimension 'd07' appears more than once in the record.",
    );
  });

  it('writes the time of the key as the nanosecond number, whatever the digits given', () => {
    const cases: Array<[string, string, bigint]> = [
      ['1700000000123', 'MILLISECONDS', 1_700_000_000_123_000_000n],
      ['-5', 'SECONDS', -5_000_000_000n],
      ['0', 'MICROSECONDS', 0n],
      ['-0', 'MILLISECONDS', 0n],
      ['007', 'NANOSECONDS', 7n],
      ['0012', 'MILLISECONDS', 12_000_000n],
    ];
    for (const [Time, TimeUnit, ns] of cases) {
      const r = one({ ...base, Time, TimeUnit }) as ParsedRecord;
      expect(r.timeNs).toBe(ns);
      expect(r.key).toBe(`${ns}\u001e1\u001fm`);
      expect(r.key).toBe(recordKey(ns, 'm', []));
    }
  });

  it('gives equal fingerprints to MULTI values in any order, in the canonical text of each number', () => {
    const multi = (values: Array<[string, string, string?]>) =>
      one({
        MeasureName: 'reading',
        MeasureValueType: 'MULTI',
        MeasureValues: values.map(([Name, Value, Type]) => ({ Name, Value, Type: Type ?? 'DOUBLE' })),
        Time: '1',
      }) as ParsedRecord;
    const a = multi([
      ['co2', '420'],
      ['temperature', '20.50'],
      ['humidity', '41.7'],
      ['label', 'x', 'VARCHAR'],
    ]);
    const b = multi([
      ['label', 'x', 'VARCHAR'],
      ['humidity', '41.700'],
      ['co2', '4.2e2'],
      ['temperature', '20.5'],
    ]);
    const expected =
      '3:10\u001fco2DOUBLE\u001f420\u001e8:11\u001fhumidityDOUBLE\u001f41.7\u001e5:9\u001flabelVARCHAR\u001fx' +
      '\u001e11:11\u001ftemperatureDOUBLE\u001f20.5';
    expect(a.fingerprint).toBe(expected);
    expect(b.fingerprint).toBe(expected);
    expect(a.fingerprint).toBe(valueFingerprint(a.values, true));
    // texts that are not how JavaScript writes the number
    for (const raw of [
      '-0',
      '007',
      '0.0000001',
      '0.000001',
      '1.10',
      '+3',
      ' 2 ',
      '.5',
      '5.',
      '1e21',
      '123456789012345678',
    ]) {
      expect(one({ ...base, MeasureValue: raw })).toHaveProperty(
        'fingerprint',
        `DOUBLE\u001f${String(Number(raw))}`,
      );
    }
    expect(reasonOf({ ...base, MeasureValue: ' ' })).toBe(
      "Invalid measure value ' ' for measure 'm' of type DOUBLE: not a finite number.",
    );
  });

  it('screens reserved names in any case, and only those', () => {
    for (const name of ['TIME', 'Measure_Name', 'measure_value::double', 'MEASURE_VALUE', '__ts_x']) {
      expect(reasonOf({ ...base, Dimensions: [{ Name: name, Value: 'v' }] })).toBe(
        `Dimension name '${name}' is reserved (time, measure_name, measure_value* and names starting with __ts_ cannot be used).`,
      );
    }
    for (const name of ['timestamp', 'measure', 'measure_values', '_ts_x', 'Zeit']) {
      expect(one({ ...base, MeasureName: name })).toHaveProperty('measureName', name);
    }
  });

  it('merges CommonAttributes dimensions and values, the record winning', () => {
    const common = {
      Dimensions: [{ Name: 'site', Value: 's' }],
      MeasureValueType: 'MULTI',
      MeasureValues: [{ Name: 'v', Value: '1', Type: 'BIGINT' }],
      Time: '2',
    };
    const r = one(
      { MeasureName: 'm', Dimensions: [{ Name: 'deviceId', Value: 'd' }] },
      common,
    ) as ParsedRecord;
    expect(r.dimensions).toEqual([
      ['deviceId', 'd'],
      ['site', 's'],
    ]);
    expect(r.values).toEqual([{ name: 'v', type: 'BIGINT', value: 1n }]);
    // the record's own (empty) list replaces the common one
    expect(reasonOf({ MeasureName: 'm', MeasureValues: [] }, common)).toBe(
      'MeasureValues must hold at least one value when MeasureValueType is MULTI.',
    );
    expect(reasonOf({ MeasureName: 'm', MeasureValueType: 'DOUBLE', MeasureValue: '1' }, common)).toBe(
      'MeasureValues can only be used with MeasureValueType MULTI, not DOUBLE.',
    );
    expect(reasonOf({ MeasureName: 'm', Dimensions: [{ Name: 'v', Value: 'x' }] }, common)).toBe(
      "Measure value name 'v' is also a dimension name of the record.",
    );
    const dims = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ Name: `${prefix}${i}`, Value: 'x' }));
    expect(reasonOf({ ...base, Dimensions: dims('r', 30) }, { Dimensions: dims('c', 100) })).toBe(
      'The record has 130 dimensions; at most 128 are allowed.',
    );
  });

  it('keeps the order of the checks: model errors of any record before a CommonAttributes conflict', () => {
    const conflict = { ...base, Dimensions: [{ Name: 'site', Value: 'x' }] };
    const common = { Dimensions: [{ Name: 'site', Value: 's' }] };
    expect(errorOf({ CommonAttributes: common, Records: [base, conflict, conflict] })).toBe(
      "Dimension 'site' of records[1] is also in CommonAttributes; a dimension name may appear in only one of them.",
    );
    expect(errorOf({ CommonAttributes: common, Records: [conflict, { ...base, TimeUnit: 'HOURS' }] })).toBe(
      modelError(
        'records.2.member.timeUnit',
        "'HOURS'",
        'Member must satisfy enum value set: [MILLISECONDS, SECONDS, MICROSECONDS, NANOSECONDS]',
      ),
    );
    // within a record, the members in order: the measure name before the time unit
    expect(errorOf({ Records: [{ ...base, MeasureName: '', TimeUnit: 'HOURS' }] })).toBe(
      modelError('records.1.member.measureName', "''", 'Member must have length greater than or equal to 1'),
    );
    expect(errorOf({ Records: [{ ...base, Dimensions: [{ Name: 'd', Value: 5 }] }] })).toBe(
      "Expected a string at 'records.1.member.dimensions.1.member.value', got number.",
    );
    // content problems: the first check that fails names the reason
    expect(
      reasonOf({
        MeasureName: 'm',
        Dimensions: [
          { Name: 'time', Value: 'x' },
          { Name: 'd', Value: '' },
        ],
        MeasureValueType: 'MULTI',
        MeasureValues: [
          { Name: 'a', Value: '1', Type: 'DOUBLE' },
          { Name: 'a', Value: '2', Type: 'DOUBLE' },
        ],
        Time: 'soon',
      }),
    ).toBe("Invalid time 'soon': expected an integer epoch time in MILLISECONDS.");
    expect(
      reasonOf({
        MeasureName: 'm',
        Dimensions: [
          { Name: 'd', Value: '' },
          { Name: 'time', Value: 'x' },
        ],
        MeasureValueType: 'MULTI',
        MeasureValues: [{ Name: 'a', Value: 'x', Type: 'DOUBLE' }],
        Time: '1',
      }),
    ).toBe("Dimension 'd' has an empty value.");
    expect(
      reasonOf({
        MeasureName: 'm',
        MeasureValueType: 'MULTI',
        MeasureValues: [
          { Name: 'b', Value: 'x', Type: 'DOUBLE' },
          { Name: 'a', Value: '1', Type: 'MULTI' },
        ],
        Time: '1',
      }),
    ).toBe("Invalid measure value 'x' for measure 'b' of type DOUBLE: not a finite number.");
  });
});
