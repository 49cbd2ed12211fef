/** A panel's field configuration as the dashboard JSON holds it. */
export interface PanelFieldConfig {
  readonly defaults: Readonly<Record<string, unknown>>;
  readonly overrides: readonly {
    readonly matcher: { readonly id: string; readonly options: string };
    readonly properties: readonly { readonly id: string; readonly value: unknown }[];
  }[];
}

/** Grafana's `/regexp/flags` matcher syntax (stringToJsRegex), as its byRegexp field matcher reads it. */
export const matcherRegExp = (options: string) => {
  const match = /^\/(.*)\/([gimsuy]*)$/.exec(options);
  return match ? new RegExp(match[1]!, match[2]) : new RegExp(`^${options}$`);
};

/**
 * The options Grafana gives a field of this display name, as its applyFieldOverrides does: the panel's
 * defaults, then the properties of every override whose matcher takes the field, in order (a later override
 * wins). Matchers: `byName` (the display name, exactly) and `byRegexp`; any other fails the test.
 */
export function fieldOptions(config: PanelFieldConfig, displayName: string): Record<string, unknown> {
  const options: Record<string, unknown> = { ...config.defaults };
  for (const { matcher, properties } of config.overrides) {
    let matches: boolean;
    if (matcher.id === 'byName') matches = matcher.options === displayName;
    else if (matcher.id === 'byRegexp') matches = matcherRegExp(matcher.options).test(displayName);
    else throw new Error(`field matcher ${matcher.id} is not modelled here: add it to fieldOptions`);
    if (matches) for (const p of properties) options[p.id] = p.value;
  }
  return options;
}
