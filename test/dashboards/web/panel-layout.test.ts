import { describe, expect, it } from 'vitest';
import { readPanelLayouts } from '#dashboards/web/panel-layout';

const hideEmpty = {
  matcher: { id: 'byValue', options: { reducer: 'allIsNull', op: 'gte', value: 0 } },
  properties: [{ id: 'custom.hideFrom', value: { legend: true, tooltip: true, viz: true } }],
};

describe('readPanelLayouts', () => {
  it("reads Grafana's override that hides series without a value, and only that one", () => {
    const layouts = readPanelLayouts({
      panels: [
        { id: 1, gridPos: { w: 8 }, fieldConfig: { overrides: [hideEmpty] } },
        {
          id: 2,
          fieldConfig: {
            overrides: [
              { ...hideEmpty, properties: [{ id: 'custom.hideFrom', value: { legend: true, viz: false } }] },
              { matcher: { id: 'byName', options: 'co2' }, properties: [{ id: 'unit', value: 'ppm' }] },
            ],
          },
        },
        { id: 3 },
      ],
    });
    expect(layouts.get(1)).toEqual({ width: 8, hideEmptySeries: true });
    expect(layouts.get(2)).toEqual({ width: 24 });
    expect(layouts.get(3)).toEqual({ width: 24 });
  });
});
