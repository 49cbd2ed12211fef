import { ValidationException } from '../errors';
import type { QueryCatalog, TableView } from '../storage/catalog';
import { positionPrefix, type Token } from './tokenizer';

/** Finds a name exactly, else case-insensitively when that is unambiguous (unquoted names are case-insensitive). */
function pick(names: readonly string[], wanted: string): string | undefined {
  if (names.includes(wanted)) return wanted;
  const folded = names.filter((n) => n.toLowerCase() === wanted.toLowerCase());
  return folded.length === 1 ? folded[0] : undefined;
}

/** Resolves the database name of `SHOW TABLES FROM db` / a table reference, or throws Timestream's error. */
export function resolveDatabase(catalog: QueryCatalog, token: Token): string {
  const database = pick(catalog.listDatabases(), token.value);
  if (database === undefined)
    throw new ValidationException(`${positionPrefix(token)}Database '${token.value}' does not exist`);
  return database;
}

/**
 * Resolves `db.table` (parts as written) to the catalog's view of the table. Throws ValidationException in the
 * service's words: "line 1:15: Table 'db.tbl' does not exist", "Database 'db' does not exist".
 */
export function resolveTable(catalog: QueryCatalog, parts: readonly Token[]): TableView {
  const first = parts[0] as Token;
  if (parts.length !== 2) {
    const written = parts.map((p) => p.value).join('.');
    if (parts.length === 1) {
      throw new ValidationException(
        `${positionPrefix(first)}Table '${written}' does not exist: name tables as "database"."table"`,
      );
    }
    throw new ValidationException(`${positionPrefix(first)}Table '${written}' does not exist`);
  }
  const second = parts[1] as Token;
  const database = resolveDatabase(catalog, first);
  const tables = catalog.listTables(database) ?? [];
  const table = pick(tables, second.value);
  const view = table === undefined ? undefined : catalog.getTable(database, table);
  if (view === undefined)
    throw new ValidationException(
      `${positionPrefix(first)}Table '${database}.${second.value}' does not exist`,
    );
  return view;
}
