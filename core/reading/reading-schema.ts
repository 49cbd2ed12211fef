import { z } from 'zod';
import {
  deviceIdProblem,
  dimensionCountProblem,
  dimensionNameProblem,
  dimensionValueProblem,
  isoTimePattern,
  measureCountProblem,
  measureNameProblem,
  messageIdProblem,
  nameCollisionProblem,
  type RuleProblem,
  unitProblem,
} from './field-rules';
import { IssueCode } from './reading';

/** A zod string checked by one of the shared field rules; the rule's code travels in the issue's params. */
function ruled(rule: (v: string) => RuleProblem | undefined) {
  return z.string().superRefine((v, ctx) => {
    const p = rule(v);
    if (p) ctx.addIssue({ code: 'custom', message: p.message, params: { code: p.code } });
  });
}

const finite = z.number({ error: 'must be a finite number' });

/** A measure value: a number in the measure's default unit, or `{ value, unit? }`. */
const measureValueSchema = z.union(
  [finite, z.strictObject({ value: finite, unit: ruled(unitProblem).optional() })],
  { error: 'must be a number or {"value": number, "unit"?: string}' },
);

/**
 * zod's records skip a `__proto__` key (JSON.parse makes it an own field): report it instead of losing it,
 * with the same rule as the fast path.
 */
function withoutProtoKey<T extends z.ZodType>(schema: T, rule: (v: string) => RuleProblem | undefined) {
  return z
    .unknown()
    .superRefine((v, ctx) => {
      if (typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__')) {
        const p = rule('__proto__')!;
        ctx.addIssue({ code: 'custom', message: p.message, path: ['__proto__'], params: { code: p.code } });
      }
    })
    .pipe(schema);
}

/** The measures object (also the whole seed body): 1..64 measures with valid names. */
export const measuresSchema = withoutProtoKey(
  z.record(ruled(measureNameProblem), measureValueSchema).superRefine((m, ctx) => {
    const p = measureCountProblem(Object.keys(m).length);
    if (p) ctx.addIssue({ code: 'custom', message: p.message, params: { code: p.code } });
  }),
  measureNameProblem,
);

const dimensionsSchema = withoutProtoKey(
  z.record(ruled(dimensionNameProblem), ruled(dimensionValueProblem)).superRefine((d, ctx) => {
    const p = dimensionCountProblem(Object.keys(d).length);
    if (p) ctx.addIssue({ code: 'custom', message: p.message, params: { code: p.code } });
  }),
  dimensionNameProblem,
);

const timeSchema = z.union(
  [
    z
      .string()
      .regex(isoTimePattern, 'must be ISO 8601 with seconds and an offset, e.g. 2022-04-20T05:51:00+09:00'),
    z.number().refine(Number.isSafeInteger, 'epoch milliseconds must be a whole number'),
  ],
  { error: 'must be an ISO 8601 string with an offset or epoch milliseconds (number)' },
);

/**
 * The canonical reading, e.g.
 * `{"deviceId": "device_1", "time": "2022-04-20T05:51:00+09:00", "dimensions": {"prefecture": "Tokyo"},
 *   "measures": {"co2": 652, "temperature": {"value": 75.2, "unit": "degF"}}}`.
 * Shape only: time bounds, units and record size are checked after it (they need the clock and the registry).
 */
export const canonicalReadingSchema = z
  .strictObject({
    deviceId: ruled(deviceIdProblem),
    time: timeSchema,
    messageId: ruled(messageIdProblem).optional(),
    dimensions: dimensionsSchema.optional(),
    measures: measuresSchema,
  })
  .superRefine((r, ctx) => {
    if (!r.dimensions) return;
    for (const name of Object.keys(r.dimensions)) {
      if (Object.hasOwn(r.measures, name)) {
        const p = nameCollisionProblem(name);
        ctx.addIssue({
          code: 'custom',
          message: p.message,
          path: ['dimensions', name],
          params: { code: p.code },
        });
      }
    }
  });

/** Maps a zod issue code to the pipeline's {@link IssueCode}. */
export function issueCodeOf(issue: z.core.$ZodIssue): IssueCode {
  if (issue.code === 'custom') return (issue.params?.code as IssueCode | undefined) ?? IssueCode.invalidValue;
  if (issue.code === 'unrecognized_keys') return IssueCode.unknownField;
  if (issue.code === 'invalid_type') {
    return issue.input === undefined ? IssueCode.missingField : IssueCode.invalidType;
  }
  if (issue.code === 'invalid_format') return IssueCode.invalidTime;
  return IssueCode.invalidValue;
}
