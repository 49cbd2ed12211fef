import { DescribeEndpointsCommand as QueryDescribeEndpoints } from '@aws-sdk/client-timestream-query';
import {
  ConflictException,
  CreateDatabaseCommand,
  CreateTableCommand,
  DeleteDatabaseCommand,
  DeleteTableCommand,
  DescribeDatabaseCommand,
  DescribeEndpointsCommand,
  DescribeTableCommand,
  ListDatabasesCommand,
  ListTablesCommand,
  ResourceNotFoundException,
  UpdateDatabaseCommand,
  UpdateTableCommand,
  ValidationException,
} from '@aws-sdk/client-timestream-write';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Fixture, startFixture } from './local-timestream-fixture';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture();
});
afterAll(async () => {
  await f.close();
});

async function post(target: string, body: string) {
  const res = await fetch(f.ts.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': target },
    body,
  });
  return {
    status: res.status,
    errorType: res.headers.get('x-amzn-errortype'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

describe('control plane', () => {
  it('answers DescribeEndpoints on both APIs with its own address', async () => {
    const w = await f.write.send(new DescribeEndpointsCommand({}));
    const q = await f.query.send(new QueryDescribeEndpoints({}));
    const address = f.ts.endpoint.replace('http://', '');
    expect(w.Endpoints).toEqual([{ Address: address, CachePeriodInMinutes: 1440 }]);
    expect(q.Endpoints).toEqual(w.Endpoints);
  });

  it('creates, describes, lists, updates and deletes databases', async () => {
    const created = await f.write.send(new CreateDatabaseCommand({ DatabaseName: 'Db_one' }));
    expect(created.Database).toMatchObject({
      Arn: 'arn:aws:timestream:us-east-1:000000000000:database/Db_one',
      DatabaseName: 'Db_one',
      TableCount: 0,
    });
    expect(created.Database?.CreationTime).toBeInstanceOf(Date);
    await expect(f.write.send(new CreateDatabaseCommand({ DatabaseName: 'Db_one' }))).rejects.toBeInstanceOf(
      ConflictException,
    );
    await f.write.send(new CreateDatabaseCommand({ DatabaseName: 'Db_two' }));
    const listed = await f.write.send(new ListDatabasesCommand({ MaxResults: 1 }));
    expect(listed.Databases).toHaveLength(1);
    expect(listed.NextToken).toBeDefined();
    const rest = await f.write.send(
      new ListDatabasesCommand({ MaxResults: 20, NextToken: listed.NextToken }),
    );
    expect([...(listed.Databases ?? []), ...(rest.Databases ?? [])].map((d) => d.DatabaseName)).toEqual(
      expect.arrayContaining(['Db_one', 'Db_two']),
    );
    const updated = await f.write.send(
      new UpdateDatabaseCommand({ DatabaseName: 'Db_two', KmsKeyId: 'alias/mine' }),
    );
    expect(updated.Database?.KmsKeyId).toBe('alias/mine');
    await f.write.send(new DeleteDatabaseCommand({ DatabaseName: 'Db_two' }));
    await expect(
      f.write.send(new DescribeDatabaseCommand({ DatabaseName: 'Db_two' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('refuses bad names with a ValidationException naming the field', async () => {
    const bad = f.write.send(new CreateDatabaseCommand({ DatabaseName: 'x' }));
    await expect(bad).rejects.toBeInstanceOf(ValidationException);
    await expect(bad).rejects.toThrow(/databaseName/);
  });

  it('creates tables with the service defaults and validates retention', async () => {
    await f.write.send(new CreateDatabaseCommand({ DatabaseName: 'Db_tables' }));
    const t = await f.write.send(
      new CreateTableCommand({ DatabaseName: 'Db_tables', TableName: 'defaults' }),
    );
    expect(t.Table).toMatchObject({
      Arn: 'arn:aws:timestream:us-east-1:000000000000:database/Db_tables/table/defaults',
      TableStatus: 'ACTIVE',
      RetentionProperties: {
        MemoryStoreRetentionPeriodInHours: 6,
        MagneticStoreRetentionPeriodInDays: 73000,
      },
      MagneticStoreWriteProperties: { EnableMagneticStoreWrites: false },
    });
    await expect(
      f.write.send(new CreateTableCommand({ DatabaseName: 'Db_tables', TableName: 'defaults' })),
    ).rejects.toBeInstanceOf(ConflictException);
    for (const RetentionProperties of [
      { MemoryStoreRetentionPeriodInHours: 0, MagneticStoreRetentionPeriodInDays: 1 },
      { MemoryStoreRetentionPeriodInHours: 8767, MagneticStoreRetentionPeriodInDays: 1 },
      { MemoryStoreRetentionPeriodInHours: 1, MagneticStoreRetentionPeriodInDays: 73001 },
    ]) {
      await expect(
        f.write.send(
          new CreateTableCommand({ DatabaseName: 'Db_tables', TableName: 'bad', RetentionProperties }),
        ),
      ).rejects.toBeInstanceOf(ValidationException);
    }
    await expect(
      f.write.send(new CreateTableCommand({ DatabaseName: 'Nope', TableName: 'tbl' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);

    const updated = await f.write.send(
      new UpdateTableCommand({
        DatabaseName: 'Db_tables',
        TableName: 'defaults',
        RetentionProperties: {
          MemoryStoreRetentionPeriodInHours: 24,
          MagneticStoreRetentionPeriodInDays: 365,
        },
        MagneticStoreWriteProperties: { EnableMagneticStoreWrites: true },
      }),
    );
    expect(updated.Table?.RetentionProperties?.MemoryStoreRetentionPeriodInHours).toBe(24);
    expect(updated.Table?.MagneticStoreWriteProperties?.EnableMagneticStoreWrites).toBe(true);
    const described = await f.write.send(
      new DescribeTableCommand({ DatabaseName: 'Db_tables', TableName: 'defaults' }),
    );
    expect(described.Table?.RetentionProperties?.MagneticStoreRetentionPeriodInDays).toBe(365);

    await f.write.send(new CreateTableCommand({ DatabaseName: 'Db_tables', TableName: 'second' }));
    const tables = await f.write.send(new ListTablesCommand({ DatabaseName: 'Db_tables' }));
    expect(tables.Tables?.map((x) => x.TableName)).toEqual(['defaults', 'second']);
    expect(
      (await f.write.send(new DescribeDatabaseCommand({ DatabaseName: 'Db_tables' }))).Database?.TableCount,
    ).toBe(2);

    await expect(
      f.write.send(new DeleteDatabaseCommand({ DatabaseName: 'Db_tables' })),
    ).rejects.toBeInstanceOf(ValidationException);
    await f.write.send(new DeleteTableCommand({ DatabaseName: 'Db_tables', TableName: 'second' }));
    await expect(
      f.write.send(new DescribeTableCommand({ DatabaseName: 'Db_tables', TableName: 'second' })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('names an unknown operation and refuses bad JSON', async () => {
    const unknown = await post('Timestream_20181101.DropEverything', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.errorType).toBe('UnknownOperationException');
    expect(String(unknown.body.Message)).toMatch(/DropEverything/);
    const badJson = await post('Timestream_20181101.ListDatabases', '{not json');
    expect(badJson.status).toBe(400);
    expect(badJson.body.__type).toBe('SerializationException');
  });
});
