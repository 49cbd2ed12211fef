import { z } from 'zod';
import { localAccountId, TimestreamLimits } from '../constants';
import { RejectedRecordsException, ValidationException } from '../errors';
import { JsonBody } from '../protocol/json-body';
import type { DatabaseRecord, TableRecord } from '../storage/metadata-store';
import type { LocalTimestreamStore } from '../storage/store';
import { drawFault, type FaultRates } from './faults';
import { type QueryService, queryResponseChunks } from './query-service';
import { parseWriteRequest } from './write-request';

/** Per-request facts the answers depend on. */
export interface RequestContext {
  /** region of the caller's SigV4 credential scope (us-east-1 when unsigned) */
  readonly region: string;
  /** host:port this service answers on */
  readonly address: string;
  /** aborts when the client disconnects before the answer is sent */
  readonly signal?: AbortSignal;
}

export type Operation = (body: Record<string, unknown>, ctx: RequestContext) => Promise<unknown>;

const name = z
  .string({ error: 'Member must not be null' })
  .regex(
    /^[a-zA-Z0-9_.-]{3,256}$/,
    'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+ and have length between 3 and 256',
  );

const retention = z.object({
  MemoryStoreRetentionPeriodInHours: z
    .number()
    .int()
    .min(TimestreamLimits.memoryRetentionHours.min, 'Member must have value greater than or equal to 1')
    .max(TimestreamLimits.memoryRetentionHours.max, 'Member must have value less than or equal to 8766'),
  MagneticStoreRetentionPeriodInDays: z
    .number()
    .int()
    .min(TimestreamLimits.magneticRetentionDays.min, 'Member must have value greater than or equal to 1')
    .max(TimestreamLimits.magneticRetentionDays.max, 'Member must have value less than or equal to 73000'),
});

const magneticWrites = z.object({
  EnableMagneticStoreWrites: z.boolean({ error: 'Member must not be null' }),
  MagneticStoreRejectedDataLocation: z.unknown().optional(),
});

const listing = {
  MaxResults: z.number().int().min(1).max(TimestreamLimits.listMaxResults).optional(),
  NextToken: z.string().optional(),
};

const schemas = {
  createDatabase: z.object({ DatabaseName: name, KmsKeyId: z.string().min(1).max(2048).optional() }),
  database: z.object({ DatabaseName: name }),
  updateDatabase: z.object({ DatabaseName: name, KmsKeyId: z.string().min(1).max(2048) }),
  listDatabases: z.object(listing),
  table: z.object({ DatabaseName: name, TableName: name }),
  createTable: z.object({
    DatabaseName: name,
    TableName: name,
    RetentionProperties: retention.optional(),
    MagneticStoreWriteProperties: magneticWrites.optional(),
    Schema: z.unknown().optional(),
  }),
  listTables: z.object({ DatabaseName: name.optional(), ...listing }),
};

/** Validates a request body; the message names each bad field and what was expected. */
function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const path = i.path.map((p) =>
      typeof p === 'string' ? p.charAt(0).toLowerCase() + p.slice(1) : String(p),
    );
    return `Value at '${path.join('.')}' failed to satisfy constraint: ${i.message}`;
  });
  throw new ValidationException(
    `${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.join('; ')}`,
  );
}

const seconds = (ms: number) => ms / 1000;

function databaseShape(db: DatabaseRecord, tableCount: number, ctx: RequestContext) {
  return {
    Arn: `arn:aws:timestream:${ctx.region}:${localAccountId}:database/${db.name}`,
    DatabaseName: db.name,
    TableCount: tableCount,
    KmsKeyId: db.kmsKeyId,
    CreationTime: seconds(db.createdMs),
    LastUpdatedTime: seconds(db.updatedMs),
  };
}

function tableShape(t: TableRecord, ctx: RequestContext) {
  return {
    Arn: `arn:aws:timestream:${ctx.region}:${localAccountId}:database/${t.database}/table/${t.name}`,
    TableName: t.name,
    DatabaseName: t.database,
    TableStatus: 'ACTIVE',
    RetentionProperties: {
      MemoryStoreRetentionPeriodInHours: t.memoryHours,
      MagneticStoreRetentionPeriodInDays: t.magneticDays,
    },
    CreationTime: seconds(t.createdMs),
    LastUpdatedTime: seconds(t.updatedMs),
    MagneticStoreWriteProperties: t.magneticWrites,
    Schema: t.schema ?? { CompositePartitionKey: [{ Type: 'MEASURE' }] },
  };
}

/** One page of a listing; the token is the offset of the next page. */
function pageOf<T>(items: T[], maxResults: number | undefined, token: string | undefined) {
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isInteger(start) || start < 0 || start > items.length) {
    throw new ValidationException('Invalid pagination token');
  }
  const end = start + (maxResults ?? TimestreamLimits.listMaxResults);
  return {
    items: items.slice(start, end),
    NextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}

const defaultKmsKey = (ctx: RequestContext) =>
  `arn:aws:kms:${ctx.region}:${localAccountId}:key/00000000-0000-0000-0000-000000000000`;

/**
 * The operations of both Timestream APIs (Write and Query share the `Timestream_20181101` target), keyed by
 * operation name. Each validates its request and returns the response body.
 */
export function createOperations(deps: {
  store: LocalTimestreamStore;
  queries: QueryService;
  faults: FaultRates;
  random?: () => number;
}): Record<string, Operation> {
  const { store, queries, faults } = deps;
  const random = deps.random ?? Math.random;
  return {
    DescribeEndpoints: async (_body, ctx) => ({
      Endpoints: [{ Address: ctx.address, CachePeriodInMinutes: 1440 }],
    }),

    CreateDatabase: async (body, ctx) => {
      const req = parse(schemas.createDatabase, body);
      const db = await store.createDatabase(req.DatabaseName, req.KmsKeyId ?? defaultKmsKey(ctx));
      return { Database: databaseShape(db, 0, ctx) };
    },
    DescribeDatabase: async (body, ctx) => {
      const req = parse(schemas.database, body);
      const db = store.database(req.DatabaseName);
      return { Database: databaseShape(db, store.tableCount(db.name), ctx) };
    },
    ListDatabases: async (body, ctx) => {
      const req = parse(schemas.listDatabases, body);
      const page = pageOf(store.allDatabases(), req.MaxResults, req.NextToken);
      return {
        Databases: page.items.map((db) => databaseShape(db, store.tableCount(db.name), ctx)),
        NextToken: page.NextToken,
      };
    },
    UpdateDatabase: async (body, ctx) => {
      const req = parse(schemas.updateDatabase, body);
      const db = await store.updateDatabase(req.DatabaseName, req.KmsKeyId);
      return { Database: databaseShape(db, store.tableCount(db.name), ctx) };
    },
    DeleteDatabase: async (body) => {
      const req = parse(schemas.database, body);
      await store.deleteDatabase(req.DatabaseName);
      return {};
    },

    CreateTable: async (body, ctx) => {
      const req = parse(schemas.createTable, body);
      const t = await store.createTable(req.DatabaseName, req.TableName, {
        memoryHours: req.RetentionProperties?.MemoryStoreRetentionPeriodInHours,
        magneticDays: req.RetentionProperties?.MagneticStoreRetentionPeriodInDays,
        magneticWrites: req.MagneticStoreWriteProperties,
        schema: req.Schema,
      });
      return { Table: tableShape(t, ctx) };
    },
    DescribeTable: async (body, ctx) => {
      const req = parse(schemas.table, body);
      return { Table: tableShape(store.table(req.DatabaseName, req.TableName).table.record, ctx) };
    },
    ListTables: async (body, ctx) => {
      const req = parse(schemas.listTables, body);
      if (req.DatabaseName !== undefined) store.database(req.DatabaseName);
      const page = pageOf(store.allTables(req.DatabaseName), req.MaxResults, req.NextToken);
      return { Tables: page.items.map((t) => tableShape(t, ctx)), NextToken: page.NextToken };
    },
    UpdateTable: async (body, ctx) => {
      const req = parse(schemas.createTable, body);
      const t = await store.updateTable(req.DatabaseName, req.TableName, {
        memoryHours: req.RetentionProperties?.MemoryStoreRetentionPeriodInHours,
        magneticDays: req.RetentionProperties?.MagneticStoreRetentionPeriodInDays,
        magneticWrites: req.MagneticStoreWriteProperties,
        schema: req.Schema,
      });
      return { Table: tableShape(t, ctx) };
    },
    DeleteTable: async (body) => {
      const req = parse(schemas.table, body);
      await store.deleteTable(req.DatabaseName, req.TableName);
      return {};
    },

    WriteRecords: async (body) => {
      const request = parseWriteRequest(body);
      const writer = store.table(request.databaseName, request.tableName);
      const fault = drawFault(faults, random);
      if (fault) throw fault;
      const outcome = await writer.write(request.records);
      if (outcome.rejected.length > 0) throw new RejectedRecordsException(outcome.rejected);
      return {
        RecordsIngested: {
          Total: outcome.memoryStore + outcome.magneticStore,
          MemoryStore: outcome.memoryStore,
          MagneticStore: outcome.magneticStore,
        },
      };
    },

    Query: async (body, ctx) =>
      new JsonBody(
        queryResponseChunks(
          await queries.query(
            {
              QueryString: body.QueryString as string,
              MaxRows: body.MaxRows as number | undefined,
              NextToken: body.NextToken as string | undefined,
            },
            ctx.signal,
          ),
        ),
      ),
    CancelQuery: async (body) => queries.cancel(body.QueryId),
  };
}
