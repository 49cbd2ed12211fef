import { z } from 'zod';
import { deviceIdProblem, measureNameProblem } from '#core/reading/field-rules';
import { InvalidPanelRequestError } from './errors';
import type { PanelSelection } from './panel-service';
import { defaultTimeRange, type TimeRangeKey, timeRanges } from './time-ranges';

const rangeKeys = Object.keys(timeRanges) as [TimeRangeKey, ...TimeRangeKey[]];
const epochMs = z.coerce.number().int('must be whole epoch milliseconds').nonnegative();

/**
 * The query string of the panel API. Device and measure are checked with the ingest rules (they end up in
 * SQL string literals, so nothing else may pass).
 */
const requestSchema = z
  .object({
    range: z.enum(rangeKeys, { error: `must be one of ${rangeKeys.join(', ')}` }).optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
    device: z
      .string()
      .optional()
      .refine((v) => !v || deviceIdProblem(v) === undefined, {
        error: (i) => deviceIdProblem(String(i.input))?.message,
      }),
    measure: z
      .string()
      .optional()
      .refine((v) => !v || measureNameProblem(v) === undefined, {
        error: (i) => measureNameProblem(String(i.input))?.message,
      }),
    maxDataPoints: z.coerce
      .number()
      .int()
      .min(10, 'must be at least 10')
      .max(10_000, 'must be at most 10000')
      .default(800),
  })
  .refine((r) => (r.from === undefined) === (r.to === undefined), {
    error: 'give both from and to (epoch ms), or range',
    path: ['from'],
  })
  .refine((r) => r.from === undefined || r.to === undefined || r.from < r.to, {
    error: 'from must be before to',
    path: ['from'],
  });

/**
 * Reads a panel request's query string (`range=7d` or `from=..&to=..`, `device`, `measure`,
 * `maxDataPoints`) into a {@link PanelSelection}; throws {@link InvalidPanelRequestError} listing every
 * problem.
 */
export function parsePanelRequest(query: Readonly<Record<string, string>>, nowMs: number): PanelSelection {
  const parsed = requestSchema.safeParse(query);
  if (!parsed.success) {
    throw new InvalidPanelRequestError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`),
    );
  }
  const r = parsed.data;
  const range =
    r.from !== undefined && r.to !== undefined
      ? { from: r.from, to: r.to }
      : { from: nowMs - timeRanges[r.range ?? defaultTimeRange], to: nowMs };
  return {
    ...range,
    ...(r.device ? { device: r.device } : {}),
    ...(r.measure ? { measure: r.measure } : {}),
    maxDataPoints: r.maxDataPoints,
  };
}
