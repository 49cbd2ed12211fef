import { readingFields, readingLimits, reservedNamePrefix, reservedNames } from './limits';
import { IssueCode } from './reading';

/** A broken rule: its code and a message that says what was wrong and what is expected. */
export type RuleProblem = { readonly code: IssueCode; readonly message: string };

/*
 * Field rules shared by the zod schema (detailed errors) and the hand-checked fast path, so the two cannot
 * disagree on a field: each returns undefined when the value is fine.
 */

const deviceIdPattern = /^[A-Za-z0-9_.:@-]+$/;
const messageIdPattern = /^[\x21-\x7e]+$/;
/** Names usable unquoted in Timestream SQL: a letter or '_' first, then letters, digits, '_'. */
const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const unitPattern = /^[A-Za-z0-9%/._^-]+$/;

/** ISO 8601 date-time with seconds and an explicit offset (no local times: their zone is unknowable). */
export const isoTimePattern =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):(\d{2}))$/;

/** Device ids already found valid (bounded, like names below): a writer sees the same devices all day. */
const goodDeviceIds = new Set<string>();
const maxRememberedDeviceIds = 100_000;

export function deviceIdProblem(v: string): RuleProblem | undefined {
  if (goodDeviceIds.has(v)) return undefined;
  if (v.length >= 1 && v.length <= readingLimits.maxDeviceIdLength && deviceIdPattern.test(v)) {
    if (goodDeviceIds.size >= maxRememberedDeviceIds) goodDeviceIds.clear();
    goodDeviceIds.add(v);
    return undefined;
  }
  return {
    code: IssueCode.invalidDeviceId,
    message: `must be 1..${readingLimits.maxDeviceIdLength} characters of letters, digits, '_', '.', ':', '@', '-'`,
  };
}

export function messageIdProblem(v: string): RuleProblem | undefined {
  if (v.length >= 1 && v.length <= readingLimits.maxMessageIdLength && messageIdPattern.test(v))
    return undefined;
  return {
    code: IssueCode.invalidMessageId,
    message: `must be 1..${readingLimits.maxMessageIdLength} printable ASCII characters without spaces`,
  };
}

function nameProblem(v: string, maxBytes: number, kind: 'dimension' | 'measure'): RuleProblem | undefined {
  if (!namePattern.test(v)) {
    return {
      code: IssueCode.invalidName,
      message: `${kind} name "${v}" must start with a letter or '_' and hold only letters, digits and '_'`,
    };
  }
  // The pattern admits ASCII only, so the length is the byte count.
  if (v.length > maxBytes) {
    return {
      code: IssueCode.nameTooLong,
      message: `${kind} name is ${v.length} bytes (at most ${maxBytes})`,
    };
  }
  const lower = v.toLowerCase();
  if ((reservedNames as readonly string[]).includes(lower) || lower.startsWith(reservedNamePrefix)) {
    return { code: IssueCode.reservedName, message: `"${v}" is reserved by Timestream` };
  }
  // '__proto__' would set an object's prototype instead of a field when readings are built.
  if (v === '__proto__')
    return { code: IssueCode.reservedName, message: '"__proto__" is not allowed as a name' };
  if (v === 'deviceId' || (kind === 'measure' && (readingFields as readonly string[]).includes(v))) {
    return { code: IssueCode.reservedName, message: `"${v}" is reserved for the reading's own field` };
  }
  return undefined;
}

/*
 * Devices send the same few names over and over: names already found valid are remembered (bounded), so the
 * common path is one set lookup instead of a regex and a lowercase copy.
 */
const goodDimensionNames = new Set<string>();
const goodMeasureNames = new Set<string>();
const maxRememberedNames = 10_000;

function cachedNameProblem(v: string, good: Set<string>, maxBytes: number, kind: 'dimension' | 'measure') {
  if (good.has(v)) return undefined;
  const p = nameProblem(v, maxBytes, kind);
  if (p === undefined) {
    if (good.size >= maxRememberedNames) good.clear();
    good.add(v);
  }
  return p;
}

export const dimensionNameProblem = (v: string) =>
  cachedNameProblem(v, goodDimensionNames, readingLimits.maxDimensionNameBytes, 'dimension');
export const measureNameProblem = (v: string) =>
  cachedNameProblem(v, goodMeasureNames, readingLimits.maxMeasureNameBytes, 'measure');

export function dimensionValueProblem(v: string): RuleProblem | undefined {
  if (v.length === 0) return { code: IssueCode.invalidDimensionValue, message: 'must not be empty' };
  const bytes = utf8Length(v);
  if (bytes > readingLimits.maxDimensionValueBytes) {
    return {
      code: IssueCode.invalidDimensionValue,
      message: `is ${bytes} bytes (at most ${readingLimits.maxDimensionValueBytes})`,
    };
  }
  return undefined;
}

export function unitProblem(v: string): RuleProblem | undefined {
  if (v.length >= 1 && v.length <= readingLimits.maxUnitLength && unitPattern.test(v)) return undefined;
  return {
    code: IssueCode.invalidUnit,
    message: `unit must be 1..${readingLimits.maxUnitLength} characters of letters, digits, '%', '/', '.', '_', '^', '-'`,
  };
}

export function dimensionCountProblem(count: number): RuleProblem | undefined {
  if (count + 1 <= readingLimits.maxDimensions) return undefined;
  return {
    code: IssueCode.tooManyDimensions,
    message: `${count} dimensions plus deviceId (at most ${readingLimits.maxDimensions} in all)`,
  };
}

export function measureCountProblem(count: number): RuleProblem | undefined {
  if (count === 0) return { code: IssueCode.noMeasures, message: 'at least one measure is needed' };
  if (count > readingLimits.maxMeasures) {
    return {
      code: IssueCode.tooManyMeasures,
      message: `${count} measures (at most ${readingLimits.maxMeasures})`,
    };
  }
  return undefined;
}

/** A dimension and a measure of the same name: Timestream refuses that in a multi-measure table. */
export function nameCollisionProblem(name: string): RuleProblem {
  return {
    code: IssueCode.nameCollision,
    message: `"${name}" is both a dimension and a measure: rename one of them`,
  };
}

/** UTF-8 byte length without allocating (lone surrogates count as the 3-byte replacement character). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
