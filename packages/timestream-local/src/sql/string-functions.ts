import { type CallTranslation, sqlString } from './datetime-functions';
import type { FunctionCall } from './function-call';
import { TokenKind } from './tokenizer';

/** The lambda parameter names used in generated SQL (never a user's column: those are quoted). */
const I = '__ts_i';
const K = '__ts_k';

const errorSql = (message: string) => `error(${sqlString(message)})`;

/** The 1-based positions of every (overlapping) occurrence of `sub` in `s`, as Trino's strpos walks them. */
const positionsSql = (s: string, sub: string) =>
  `list_filter(range(1, length(${s}) + 1), ${I} -> substr(${s}, ${I}, length(${sub})) = ${sub})`;

/** The n-th occurrence (from the start, or from the end when `fromEnd`) of sub in s; 0 when there is none. */
function instanceSql(c: FunctionCall, fromEnd: boolean): string {
  c.arity(2, 3);
  const s = c.arg(0);
  const sub = c.arg(1);
  const n = c.count === 3 ? c.arg(2) : '1';
  const positions = positionsSql(s, sub);
  const list = fromEnd ? `list_reverse(${positions})` : positions;
  return `(CASE WHEN ${n} <= 0 THEN ${errorSql(`${c.name.text}(): instance must be a positive number`)} WHEN ${sub} = '' THEN ${fromEnd ? `length(${s}) + 1` : '1'} ELSE coalesce(${list}[${n}], 0) END)`;
}

/**
 * Java's regular expressions (Timestream's) and DuckDB's RE2 agree on the common syntax; a pattern using what
 * RE2 lacks (look-around, back-references, possessive quantifiers) fails to compile and is refused by DuckDB.
 * Character class intersections (`[a-z&&[^b]]`) compile in RE2 with another meaning: refused here. Named groups
 * are rewritten to RE2's spelling.
 */
function patternArg(c: FunctionCall, i: number): string {
  const t = c.single(i);
  if (t?.kind !== TokenKind.String) return c.arg(i);
  if (t.value.includes('&&['))
    c.refuse(`Function '${c.name.text}': character class intersections (&&[...]) are not supported`);
  // Java's named groups (?<name>...) are (?P<name>...) in RE2
  return sqlString(t.value.replace(/(?<!\\)\(\?<([A-Za-z][A-Za-z0-9]*)>/g, '(?P<$1>'));
}

/** Names of the named groups of a pattern, in group order (undefined entries for unnamed groups). */
function groupNames(pattern: string): (string | undefined)[] {
  const names: (string | undefined)[] = [];
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        i = end < 0 ? pattern.length : end + 1;
      } else i++;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      inClass = true;
      if (pattern[i + 1] === ']') i++;
      continue;
    }
    if (ch !== '(') continue;
    if (pattern[i + 1] !== '?') {
      names.push(undefined);
      continue;
    }
    const named = /^\(\?P?<([A-Za-z][A-Za-z0-9]*)>/.exec(pattern.slice(i));
    if (named !== null) names.push(named[1]);
  }
  return names;
}

/**
 * A Java replacement string (`$1`, `${name}`, `\$` for a dollar sign) as DuckDB's (RE2: `\1`, `\\`).
 */
function javaReplacement(c: FunctionCall, replacement: string, pattern: string | undefined): string {
  let out = '';
  for (let i = 0; i < replacement.length; i++) {
    const ch = replacement[i] as string;
    if (ch === '\\') {
      const next = replacement[i + 1];
      if (next === undefined)
        c.refuse(`Function '${c.name.text}': the replacement ends with a lone backslash`);
      out += next === '\\' ? '\\\\' : next;
      i++;
      continue;
    }
    if (ch !== '$') {
      out += ch;
      continue;
    }
    const rest = replacement.slice(i + 1);
    const numbered = /^\d/.exec(rest);
    const named = /^\{([A-Za-z][A-Za-z0-9]*)\}/.exec(rest);
    if (numbered !== null) {
      out += `\\${numbered[0]}`;
      i += 1;
    } else if (named !== null) {
      const index = pattern === undefined ? -1 : groupNames(pattern).indexOf(named[1]);
      if (index < 0) c.refuse(`Function '${c.name.text}': no group named '${named[1]}' in the pattern`);
      out += `\\${index + 1}`;
      i += named[0].length;
    } else {
      c.refuse(
        `Function '${c.name.text}': illegal group reference in the replacement: write $n, \${name} or \\$`,
      );
    }
  }
  return out;
}

function regexpReplace(c: FunctionCall): string {
  c.arity(2, 3);
  const s = c.arg(0);
  const p = patternArg(c, 1);
  if (c.count === 2) return `regexp_replace(${s}, ${p}, '', 'g')`;
  const patternToken = c.single(1);
  const pattern = patternToken?.kind === TokenKind.String ? patternToken.value : undefined;
  const lambda = c.lambda(2);
  if (lambda !== undefined) {
    if (lambda.params.length !== 1)
      c.refuse(`Function '${c.name.text}' takes a lambda of one parameter (the match's groups)`);
    if (pattern === undefined)
      c.refuse(`Function '${c.name.text}' with a lambda takes its pattern as a string literal`);
    // each match's groups as an array (x[1] is group 1), the lambda's results between the unmatched parts
    const groups = groupNames(pattern as string).length;
    const count = `len(regexp_extract_all(${s}, ${p}, 0))`;
    const groupLists = Array.from(
      { length: groups },
      (_, g) => `regexp_extract_all(${s}, ${p}, ${g + 1})[${K}]`,
    );
    const matches = `list_transform(range(1, ${count} + 1), ${K} -> [${groupLists.join(', ')}]::VARCHAR[])`;
    const replaced = `list_transform(${matches}, ${lambda.params[0]} -> ${lambda.body})`;
    const parts = `regexp_split_to_array(${s}, ${p})`;
    return `(CASE WHEN ${s} IS NULL THEN NULL ELSE array_to_string(list_transform(range(1, len(${parts}) + 1), ${K} -> ${parts}[${K}] || coalesce(CAST(${replaced}[${K}] AS VARCHAR), '')), '') END)`;
  }
  const r = c.single(2);
  if (r?.kind !== TokenKind.String) {
    // a computed replacement: used as is when it holds no group reference or escape
    const rs = c.arg(2);
    return `(CASE WHEN contains(${rs}, '$') OR contains(${rs}, '\\') THEN ${errorSql(`${c.name.text}(): a computed replacement with $ or \\ is not supported: write it as a string literal`)} ELSE regexp_replace(${s}, ${p}, ${rs}, 'g') END)`;
  }
  return `regexp_replace(${s}, ${p}, ${sqlString(javaReplacement(c, r.value, pattern))}, 'g')`;
}

/** regexp_extract_all(s, pattern[, group]): DuckDB's (NULL for a group that took no part in a match, as Trino), with Trino's error for a negative group. */
function extractAll(c: FunctionCall): string {
  c.arity(2, 3);
  const [s, p] = [c.arg(0), patternArg(c, 1)];
  const g =
    c.count === 2
      ? ''
      : `, CASE WHEN ${c.arg(2)} < 0 THEN ${errorSql('Group cannot be negative')} ELSE ${c.arg(2)} END`;
  // typed even for a NULL string (DuckDB would type regexp_extract_all(NULL, ...) as INTEGER[])
  return `CAST(regexp_extract_all(${s}, ${p}${g}) AS VARCHAR[])`;
}

/** The string and regular expression functions of Timestream's guide beyond plain renames. */
export const STRING_FUNCTIONS: ReadonlyArray<[string, CallTranslation]> = [
  [
    'replace',
    (c) => {
      c.arity(2, 3);
      return `replace(${c.arg(0)}, ${c.arg(1)}, ${c.count === 3 ? c.arg(2) : "''"})`;
    },
  ],
  ['strpos', (c) => instanceSql(c, false)],
  ['strrpos', (c) => instanceSql(c, true)],
  [
    'split',
    (c) => {
      c.arity(2, 3);
      const parts = `string_split(${c.arg(0)}, ${c.arg(1)})`;
      if (c.count === 2) return parts;
      const n = c.arg(2);
      return `(CASE WHEN ${n} <= 0 THEN ${errorSql('split(): limit must be positive')} WHEN len(${parts}) <= ${n} THEN ${parts} ELSE list_concat(${parts}[1:${n} - 1], [array_to_string(${parts}[${n}:], ${c.arg(1)})]) END)`;
    },
  ],
  [
    'split_part',
    (c) => {
      c.arity(3);
      const [s, d, n] = [c.arg(0), c.arg(1), c.arg(2)];
      return `(CASE WHEN ${n} <= 0 THEN ${errorSql('split_part(): index must be greater than zero')} WHEN ${n} > len(string_split(${s}, ${d})) THEN NULL ELSE split_part(${s}, ${d}, ${n}) END)`;
    },
  ],
  [
    'chr',
    (c) => {
      c.arity(1);
      return `chr(CAST(${c.arg(0)} AS INTEGER))`;
    },
  ],
  [
    'codepoint',
    (c) => {
      c.arity(1);
      const x = c.arg(0);
      return `(CASE WHEN length(${x}) <> 1 THEN ${errorSql('codepoint(): the argument must be a single character')} ELSE unicode(${x}) END)`;
    },
  ],
  [
    'hamming_distance',
    (c) => {
      c.arity(2);
      const [a, b] = [c.arg(0), c.arg(1)];
      return `(CASE WHEN length(${a}) <> length(${b}) THEN ${errorSql('hamming_distance(): the input strings must have the same length')} ELSE hamming(${a}, ${b}) END)`;
    },
  ],
  [
    'levenshtein_distance',
    (c) => {
      c.arity(2);
      return `levenshtein(${c.arg(0)}, ${c.arg(1)})`;
    },
  ],
  [
    'regexp_like',
    (c) => {
      c.arity(2);
      return `regexp_matches(${c.arg(0)}, ${patternArg(c, 1)})`;
    },
  ],
  [
    'regexp_extract',
    (c) => {
      c.arity(2, 3);
      // the first match's group from DuckDB's regexp_extract_all, which answers as Trino does: NULL when
      // nothing matches and for a group that took no part in the match (DuckDB's regexp_extract: '' for both),
      // an error for a group the pattern does not have, and no limit of 9 groups
      return `CAST(${extractAll(c)}[1] AS VARCHAR)`;
    },
  ],
  ['regexp_extract_all', extractAll],
  [
    'regexp_split',
    (c) => {
      c.arity(2);
      return `regexp_split_to_array(${c.arg(0)}, ${patternArg(c, 1)})`;
    },
  ],
  ['regexp_replace', regexpReplace],
];
