import { z } from 'zod';

/** What the page needs of a panel beyond its SQL: its description and its width on Grafana's 24-column grid. */
export interface PanelLayout {
  readonly description?: string;
  /** Width in Grafana grid columns (1..24). */
  readonly width: number;
  /** How a time series is drawn (`line`, `bars`, `points`): fieldConfig.defaults.custom.drawStyle. */
  readonly drawStyle?: string;
  /** The title of the row the panel sits in (the last row panel before it, or the collapsed row holding it). */
  readonly row?: string;
  /**
   * The panel hides series without a single value (a field override matching `byValue` with the reducer
   * `allIsNull` that sets `custom.hideFrom.viz`), as Grafana does.
   */
  readonly hideEmptySeries?: boolean;
}

const panelSchema = z.looseObject({
  id: z.number(),
  type: z.string().optional(),
  title: z.string().optional(),
  description: z.string().optional(),
  gridPos: z.looseObject({ w: z.number().int().min(1).max(24) }).optional(),
  fieldConfig: z
    .looseObject({
      defaults: z
        .looseObject({ custom: z.looseObject({ drawStyle: z.string().optional() }).optional() })
        .optional(),
      overrides: z.array(z.unknown()).optional(),
    })
    .optional(),
});
const hidingOverrideSchema = z.looseObject({
  matcher: z.looseObject({
    id: z.literal('byValue'),
    options: z.looseObject({ reducer: z.literal('allIsNull') }),
  }),
  properties: z.array(z.looseObject({ id: z.string(), value: z.unknown() })),
});

/** Whether one of the panel's overrides hides the series that hold no value at all from the chart. */
function hidesEmptySeries(overrides: readonly unknown[] | undefined): boolean {
  return (overrides ?? []).some((o) => {
    const parsed = hidingOverrideSchema.safeParse(o);
    return (
      parsed.success &&
      parsed.data.properties.some(
        (p) =>
          p.id === 'custom.hideFrom' &&
          typeof p.value === 'object' &&
          p.value !== null &&
          (p.value as { viz?: unknown }).viz === true,
      )
    );
  });
}
const layoutSchema = z.looseObject({
  panels: z.array(panelSchema.extend({ panels: z.array(panelSchema).optional() })).default([]),
});

/**
 * Reads each panel's description, grid width, draw style, row title and whether it hides empty series from a Grafana dashboard JSON (nested row panels included),
 * by panel id. Panels without a `gridPos` take the full width. The JSON's shape itself is checked by
 * `listDashboardPanels`; a panel this reader cannot parse just gets the defaults.
 */
export function readPanelLayouts(json: unknown): ReadonlyMap<number, PanelLayout> {
  const parsed = layoutSchema.safeParse(json);
  const out = new Map<number, PanelLayout>();
  if (!parsed.success) return out;
  let row: string | undefined;
  const add = (p: z.infer<typeof panelSchema>) =>
    out.set(p.id, {
      ...(row === undefined ? {} : { row }),
      ...(p.description ? { description: p.description } : {}),
      width: p.gridPos?.w ?? 24,
      ...(p.fieldConfig?.defaults?.custom?.drawStyle
        ? { drawStyle: p.fieldConfig.defaults.custom.drawStyle }
        : {}),
      ...(hidesEmptySeries(p.fieldConfig?.overrides) ? { hideEmptySeries: true } : {}),
    });
  for (const p of parsed.data.panels) {
    if (p.type === 'row') row = p.title ?? '';
    add(p);
    for (const nested of p.panels ?? []) add(nested);
  }
  return out;
}
