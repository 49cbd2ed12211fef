import type { ArrayCall } from './call-arguments';
import { bind, isArrayArgument } from './series-functions';

/**
 * Timestream's array functions, its lambda functions (filter, transform, reduce, any_match, ...) and TRY,
 * typeof and ROW, as DuckDB list expressions with Trino's semantics where DuckDB's differ: 1-based positions
 * and 0 for "not found", NULL elements kept by array_distinct and array_sort (last), array_max/array_min NULL
 * when an element is NULL, contains/arrays_overlap NULL when only a NULL could match.
 */

type Translation = (call: ArrayCall) => string;

const args = (c: ArrayCall) => Array.from({ length: c.count }, (_, i) => c.arg(i));

/** First-occurrence order without duplicates (one NULL kept), as Trino's array_distinct. */
const distinct = (list: string) =>
  bind(list, '__ts_l', `list_filter(__ts_l, (__ts_e, __ts_i) -> __ts_i = list_position(__ts_l, __ts_e))`);

const hasNull = (list: string) => `list_contains(list_transform(${list}, __ts_e -> __ts_e IS NULL), true)`;

/** A lambda argument, or a refusal naming the function and what it takes. */
function lambdaArg(c: ArrayCall, i: number, params: number) {
  const lambda = c.lambda(i);
  if (lambda === undefined || lambda.params.length !== params) {
    return c.refuse(
      `Function '${c.name.text}' expects a lambda with ${params} parameter(s) as argument ${i + 1}, such as ${params === 1 ? 'x -> x > 0' : '(s, x) -> s + x'}`,
    );
  }
  return lambda;
}

/** Calls a one-parameter lambda on a value: `bind` under the lambda's own parameter name. */
const apply1 = (lambda: { params: readonly string[]; body: string }, value: string) =>
  bind(value, lambda.params[0] as string, lambda.body);

const matchFunction = (quantifier: 'any' | 'all' | 'none') => (c: ArrayCall) => {
  c.arity(2);
  const f = lambdaArg(c, 1, 1);
  const results = `list_transform(${c.arg(0)}, ${f.params[0]} -> ${f.body})`;
  // Trino: true/false when decided by a non-NULL result, else NULL when some result is NULL
  return bind(
    results,
    '__ts_r',
    quantifier === 'any'
      ? `CASE WHEN list_contains(__ts_r, true) THEN true WHEN ${hasNull('__ts_r')} THEN NULL ELSE false END`
      : quantifier === 'all'
        ? `CASE WHEN list_contains(__ts_r, false) THEN false WHEN ${hasNull('__ts_r')} THEN NULL ELSE true END`
        : `CASE WHEN list_contains(__ts_r, true) THEN false WHEN ${hasNull('__ts_r')} THEN NULL ELSE true END`,
  );
};

/**
 * array_sort(array, (x, y) -> ...): Trino's comparator sort. The comparator answers -1, 0 or 1 as x is less
 * than, equal to or greater than y; any other answer, NULL included, fails the query. Each element's place is
 * the number of elements before it in the order: those it compares greater than, and the equal ones earlier in
 * the array, so the sort is stable as Trino's (Java's) is; an element is not compared with itself. O(n^2)
 * comparisons (arrays, not tables).
 */
function sortByComparator(c: ArrayCall): string {
  const f = lambdaArg(c, 1, 2);
  const [x, y] = f.params as [string, string];
  const checked = `CASE WHEN __ts_c.j = __ts_i THEN false WHEN __ts_c.c IS NULL OR __ts_c.c NOT IN (-1, 0, 1) THEN error('array_sort: the comparator must return -1, 0 or 1, not ' || coalesce(CAST(__ts_c.c AS VARCHAR), 'NULL')) ELSE __ts_c.c < 0 OR (__ts_c.c = 0 AND __ts_c.j < __ts_i) END`;
  // for each element y (at __ts_i), its comparisons with every element x (at __ts_j)
  const before = `len(list_filter(list_transform(__ts_a, (${x}, __ts_j) -> struct_pack(c := ${f.body}, j := __ts_j)), __ts_c -> ${checked}))`;
  const placed = `list_transform(__ts_a, (${y}, __ts_i) -> struct_pack(p := ${before}, v := ${y}))`;
  return bind(c.arg(0), '__ts_a', `list_transform(list_sort(${placed}), __ts_e -> __ts_e.v)`);
}

/** Trino's type names for DuckDB's (typeof), arrays as array(...), time series as timeseries(...). */
function typeName(duckType: string): string {
  const base = `regexp_replace(${duckType}, '(\\[\\])+$', '')`;
  const depth = `CAST((length(${duckType}) - length(${base})) / 2 AS BIGINT)`;
  const scalar = `CASE ${base} WHEN 'TIMESTAMP_NS' THEN 'timestamp' WHEN 'TIMESTAMP' THEN 'timestamp' WHEN 'INTERVAL' THEN 'interval day to second' WHEN 'FLOAT' THEN 'real' WHEN 'BLOB' THEN 'varbinary' WHEN '"NULL"' THEN 'unknown' ELSE lower(${base}) END`;
  return `CASE WHEN regexp_matches(${duckType}, '^STRUCT\\("time" TIMESTAMP_NS, "value" [A-Z]+\\)\\[\\]$') THEN 'timeseries(' || lower(regexp_extract(${duckType}, '"value" ([A-Z]+)', 1)) || ')' ELSE repeat('array(', ${depth}) || ${scalar} || repeat(')', ${depth}) END`;
}

/** The array and lambda functions by Timestream name. */
export const ARRAY_FUNCTIONS: ReadonlyMap<string, Translation> = new Map<string, Translation>([
  [
    'array_distinct',
    (c) => {
      c.arity(1);
      return distinct(c.arg(0));
    },
  ],
  [
    'array_intersect',
    (c) => {
      c.arity(2);
      return bind(
        c.arg(1),
        '__ts_y',
        distinct(`list_filter(${c.arg(0)}, __ts_e -> list_position(__ts_y, __ts_e) > 0)`),
      );
    },
  ],
  [
    'array_union',
    (c) => {
      c.arity(2);
      return distinct(`list_concat(${c.arg(0)}, ${c.arg(1)})`);
    },
  ],
  [
    'array_except',
    (c) => {
      c.arity(2);
      return bind(
        c.arg(1),
        '__ts_y',
        distinct(`list_filter(${c.arg(0)}, __ts_e -> coalesce(list_position(__ts_y, __ts_e), 0) = 0)`),
      );
    },
  ],
  [
    'array_join',
    (c) => {
      c.arity(2, 3);
      const elements =
        c.count === 3
          ? `list_transform(${c.arg(0)}, __ts_e -> coalesce(CAST(__ts_e AS VARCHAR), ${c.arg(2)}))`
          : c.arg(0);
      return `array_to_string(${elements}, ${c.arg(1)})`;
    },
  ],
  [
    'array_max',
    (c) => {
      c.arity(1);
      return bind(c.arg(0), '__ts_l', `CASE WHEN ${hasNull('__ts_l')} THEN NULL ELSE list_max(__ts_l) END`);
    },
  ],
  [
    'array_min',
    (c) => {
      c.arity(1);
      return bind(c.arg(0), '__ts_l', `CASE WHEN ${hasNull('__ts_l')} THEN NULL ELSE list_min(__ts_l) END`);
    },
  ],
  [
    'array_position',
    (c) => {
      c.arity(2);
      return `CAST(coalesce(list_position(${c.arg(0)}, ${c.arg(1)}), 0) AS BIGINT)`;
    },
  ],
  [
    'array_remove',
    (c) => {
      c.arity(2);
      return bind(
        c.arg(1),
        '__ts_x',
        `CASE WHEN __ts_x IS NULL THEN NULL ELSE list_filter(${c.arg(0)}, __ts_e -> __ts_e IS DISTINCT FROM __ts_x) END`,
      );
    },
  ],
  [
    'array_sort',
    (c) => {
      c.arity(1, 2);
      if (c.count === 1) return `list_sort(${c.arg(0)}, 'ASC', 'NULLS LAST')`;
      return sortByComparator(c);
    },
  ],
  [
    'arrays_overlap',
    (c) => {
      c.arity(2);
      return bind(
        c.arg(0),
        '__ts_x',
        bind(
          c.arg(1),
          '__ts_y',
          `CASE WHEN __ts_x IS NULL OR __ts_y IS NULL THEN NULL WHEN list_has_any(__ts_x, __ts_y) THEN true WHEN ${hasNull('__ts_x')} OR ${hasNull('__ts_y')} THEN NULL ELSE false END`,
        ),
      );
    },
  ],
  [
    'cardinality',
    (c) => {
      c.arity(1);
      return `CAST(len(${c.arg(0)}) AS BIGINT)`;
    },
  ],
  [
    'contains',
    (c) => {
      c.arity(2);
      return bind(
        c.arg(0),
        '__ts_l',
        `CASE WHEN list_position(__ts_l, ${c.arg(1)}) > 0 AND ${c.arg(1)} IS NOT NULL THEN true WHEN ${hasNull('__ts_l')} OR ${c.arg(1)} IS NULL THEN NULL ELSE false END`,
      );
    },
  ],
  [
    'element_at',
    (c) => {
      c.arity(2);
      return bind(
        c.arg(1),
        '__ts_i',
        `CASE WHEN __ts_i = 0 THEN error('SQL array indices start at 1') ELSE list_extract(${c.arg(0)}, __ts_i) END`,
      );
    },
  ],
  [
    'repeat',
    (c) => {
      c.arity(2);
      return bind(c.arg(0), '__ts_x', `list_transform(range(CAST(${c.arg(1)} AS BIGINT)), __ts_i -> __ts_x)`);
    },
  ],
  [
    'shuffle',
    (c) => {
      c.arity(1);
      return `list_transform(list_sort(list_transform(${c.arg(0)}, __ts_e -> struct_pack(r := random(), e := __ts_e))), __ts_p -> __ts_p.e)`;
    },
  ],
  [
    'slice',
    (c) => {
      c.arity(3);
      return bind(
        c.arg(0),
        '__ts_l',
        bind(
          `CASE WHEN ${c.arg(1)} = 0 THEN error('SQL array indices start at 1') WHEN ${c.arg(1)} < 0 THEN len(__ts_l) + ${c.arg(1)} + 1 ELSE ${c.arg(1)} END`,
          '__ts_s',
          `CASE WHEN ${c.arg(2)} < 0 THEN error('length must be greater than or equal to 0') WHEN __ts_s < 1 THEN [] ELSE list_slice(__ts_l, __ts_s, __ts_s + ${c.arg(2)} - 1) END`,
        ),
      );
    },
  ],
  [
    'zip',
    (c) => {
      if (c.count < 2) c.arity(2);
      const all = args(c);
      const fields = all.map((_, i) => `field${i} := __ts_z[${i + 1}]`).join(', ');
      return `list_transform(list_zip(${all.join(', ')}), __ts_z -> struct_pack(${fields}))`;
    },
  ],
  [
    'filter',
    (c) => {
      c.arity(2);
      const f = lambdaArg(c, 1, 1);
      // Trino keeps the elements for which the lambda is true (not NULL)
      return `list_filter(${c.arg(0)}, ${f.params[0]} -> coalesce(${f.body}, false))`;
    },
  ],
  [
    'transform',
    (c) => {
      c.arity(2);
      const f = lambdaArg(c, 1, 1);
      return `list_transform(${c.arg(0)}, ${f.params[0]} -> ${f.body})`;
    },
  ],
  [
    'reduce',
    (c) => {
      c.arity(4);
      const input = lambdaArg(c, 2, 2);
      const output = lambdaArg(c, 3, 1);
      const [s, x] = input.params as [string, string];
      // the state may be of another type than the elements: fold over STRUCT(s := state, x := element)
      const steps = `list_transform(list_prepend(NULL, ${c.arg(0)}), __ts_e -> struct_pack(s := ${c.arg(1)}, x := __ts_e))`;
      const step = `struct_pack(s := ${bind('__ts_acc.s', s, bind('__ts_cur.x', x, input.body))}, x := __ts_cur.x)`;
      const state = `struct_extract(list_reduce(${steps}, (__ts_acc, __ts_cur) -> ${step}), 's')`;
      return apply1(output, state);
    },
  ],
  ['any_match', matchFunction('any')],
  ['all_match', matchFunction('all')],
  ['none_match', matchFunction('none')],
  [
    'try',
    (c) => {
      c.arity(1);
      return `TRY(${c.arg(0)})`;
    },
  ],
  [
    'typeof',
    (c) => {
      c.arity(1);
      return bind(`typeof(${c.arg(0)})`, '__ts_t', typeName('__ts_t'));
    },
  ],
  [
    'row',
    (c) => {
      if (c.count < 1) c.arity(1);
      return `row(${args(c).join(', ')})`;
    },
  ],
]);

/**
 * Functions Timestream applies to strings and arrays alike (reverse, concat): the array form when an argument
 * is written as an array (`ARRAY[...]`, an array function's result), else `otherwise` (the string form).
 */
export function arrayOrString<C extends ArrayCall>(
  name: string,
  otherwise: (call: C) => string,
): (call: C) => string {
  return (c) => {
    const anyArray = Array.from({ length: c.count }, (_, i) => isArrayArgument(c, i)).some(Boolean);
    if (!anyArray) return otherwise(c);
    if (name === 'reverse') {
      c.arity(1);
      return `list_reverse(${c.arg(0)})`;
    }
    if (c.count < 1) c.arity(1);
    return `list_concat(${args(c).join(', ')})`;
  };
}
