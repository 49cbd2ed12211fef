import type { ColumnInfo, Datum, Row } from '@aws-sdk/client-timestream-query';
import { ValidationException } from '../errors';
import type { QueryCatalog } from '../storage/catalog';
import { resolveDatabase, resolveTable } from './resolve-table';
import { visibleColumns } from './table-columns';
import { positionPrefix, type Token, TokenKind } from './tokenizer';

/** The result of a metadata statement (SHOW / DESCRIBE), built from the catalog without DuckDB. */
export interface MetadataResult {
  readonly columnInfo: ColumnInfo[];
  readonly rows: Row[];
}

const varcharColumn = (Name: string): ColumnInfo => ({ Name, Type: { ScalarType: 'VARCHAR' } });
const text = (value: string): Datum => ({ ScalarValue: value });

/** SQL LIKE (`%`, `_`, case-sensitive) as a predicate. */
function likePredicate(pattern: string | undefined): (value: string) => boolean {
  if (pattern === undefined) return () => true;
  let source = '';
  for (const c of pattern) {
    if (c === '%') source += '.*';
    else if (c === '_') source += '.';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const re = new RegExp(`^${source}$`, 's');
  return (value) => re.test(value);
}

class StatementReader {
  private k = 0;
  constructor(private readonly tokens: readonly Token[]) {}
  peekWord(word: string): boolean {
    const t = this.tokens[this.k];
    return t?.kind === TokenKind.Word && t.value === word;
  }
  expectWord(...words: string[]): Token {
    const t = this.tokens[this.k];
    if (t?.kind !== TokenKind.Word || !words.includes(t.value))
      this.fail(t, `expected ${words.map((w) => w.toUpperCase()).join(' or ')}`);
    this.k++;
    return t as Token;
  }
  name(): Token {
    const t = this.tokens[this.k];
    if (t === undefined || (t.kind !== TokenKind.Word && t.kind !== TokenKind.Quoted))
      return this.fail(t, 'expected a name');
    this.k++;
    return t;
  }
  qualifiedName(): Token[] {
    const parts = [this.name()];
    while (this.tokens[this.k]?.kind === TokenKind.Symbol && this.tokens[this.k]?.value === '.') {
      this.k++;
      parts.push(this.name());
    }
    return parts;
  }
  optionalLike(): string | undefined {
    if (!this.peekWord('like')) return undefined;
    this.k++;
    const t = this.tokens[this.k];
    if (t?.kind !== TokenKind.String) return this.fail(t, 'LIKE needs a string pattern');
    this.k++;
    return t.value;
  }
  end(): void {
    while (this.tokens[this.k]?.kind === TokenKind.Symbol && this.tokens[this.k]?.value === ';') this.k++;
    const t = this.tokens[this.k];
    if (t !== undefined) this.fail(t, `extraneous input '${t.text}'`);
  }
  fail(t: Token | undefined, message: string): never {
    const at = t ?? this.tokens[this.tokens.length - 1];
    throw new ValidationException(
      `${at ? positionPrefix(at) : ''}${t ? `mismatched input '${t.text}': ` : ''}${message}`,
    );
  }
}

/** True when the statement is SHOW or DESCRIBE (answered by {@link runMetadataStatement}). */
export function isMetadataStatement(tokens: readonly Token[]): boolean {
  const first = tokens[0];
  return first?.kind === TokenKind.Word && (first.value === 'show' || first.value === 'describe');
}

/**
 * Answers SHOW DATABASES, SHOW TABLES [FROM|IN db], SHOW MEASURES FROM db.table and DESCRIBE db.table (each
 * SHOW with an optional LIKE 'pattern') in the shapes of Timestream's recorded responses.
 */
export function runMetadataStatement(tokens: readonly Token[], catalog: QueryCatalog): MetadataResult {
  const r = new StatementReader(tokens);
  const verb = r.expectWord('show', 'describe');
  if (verb.value === 'describe') {
    const view = resolveTable(catalog, r.qualifiedName());
    r.end();
    return {
      columnInfo: [
        varcharColumn('Column'),
        varcharColumn('Type'),
        varcharColumn('Timestream attribute type'),
      ],
      rows: visibleColumns(view).map((c) => ({
        Data: [text(c.name), text(c.type.toLowerCase()), text(c.attribute)],
      })),
    };
  }
  const what = r.expectWord('databases', 'tables', 'measures');
  if (what.value === 'databases') {
    const like = likePredicate(r.optionalLike());
    r.end();
    const names = [...catalog.listDatabases()].filter(like).sort();
    return { columnInfo: [varcharColumn('Database')], rows: names.map((n) => ({ Data: [text(n)] })) };
  }
  if (what.value === 'tables') {
    if (!r.peekWord('from') && !r.peekWord('in')) {
      return r.fail(tokens[2] ?? what, 'SHOW TABLES needs FROM "database"');
    }
    r.expectWord('from', 'in');
    const database = resolveDatabase(catalog, r.name());
    const like = likePredicate(r.optionalLike());
    r.end();
    const names = [...(catalog.listTables(database) ?? [])].filter(like).sort();
    return { columnInfo: [varcharColumn('Table')], rows: names.map((n) => ({ Data: [text(n)] })) };
  }
  r.expectWord('from', 'in');
  const view = resolveTable(catalog, r.qualifiedName());
  const like = likePredicate(r.optionalLike());
  r.end();
  const measures = [...view.measures]
    .filter((m) => like(m.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    columnInfo: [
      varcharColumn('measure_name'),
      varcharColumn('data_type'),
      {
        Name: 'dimensions',
        Type: {
          ArrayColumnInfo: {
            Type: { RowColumnInfo: [varcharColumn('dimension_name'), varcharColumn('data_type')] },
          },
        },
      },
    ],
    rows: measures.map((m) => ({
      Data: [
        text(m.name),
        text(m.dataType),
        { ArrayValue: m.dimensions.map((d) => ({ RowValue: { Data: [text(d), text('varchar')] } })) },
      ],
    })),
  };
}
