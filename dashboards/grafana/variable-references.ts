import { InvalidMacroContextError, UnknownMacroError } from './errors';

/** One dashboard variable as a query writes it: `$name`, `[[name]]`, `[[name:format]]`, `${name}`, `${name:format}`. */
export interface VariableReference {
  /** The reference as written (`${device:regex}`). */
  readonly text: string;
  /** The variable's name, without `$` or brackets. */
  readonly name: string;
  /** The format after `:`, when one is written. */
  readonly format?: string;
  /** Written `$name` (neither braced nor bracketed). */
  readonly plain: boolean;
}

/**
 * Replaces every variable reference that `pattern` finds: a global pattern with Grafana's five groups, in order
 * `$name`, `[[name`, `:format]]`, `${name`, `:format}` (each data source's own pattern says which names and
 * formats it reads). `replace` returns the text that stands in the reference's place.
 *
 * @example
 * replaceVariableReferences('${device:raw}', /\$(\w+)|\[\[(\w+)(?::(\w+))?\]\]|\$\{(\w+)(?::(\w+))?\}/g,
 *   (ref) => `<${ref.name} as ${ref.format}>`); // '<device as raw>'
 */
export function replaceVariableReferences(
  text: string,
  pattern: RegExp,
  replace: (reference: VariableReference) => string,
): string {
  return text.replace(
    pattern,
    (
      match,
      plain?: string,
      bracket?: string,
      bracketFormat?: string,
      braced?: string,
      bracedFormat?: string,
    ) => {
      const format = bracketFormat ?? bracedFormat;
      return replace({
        text: match,
        name: (plain ?? bracket ?? braced)!,
        ...(format !== undefined ? { format } : {}),
        plain: plain !== undefined,
      });
    },
  );
}

/** A variable's value in the format its reference names; an unknown format is an {@link UnknownMacroError}. */
export function formatVariable<Value>(
  formats: Readonly<Record<string, (value: Value) => string>>,
  reference: VariableReference & { readonly format: string },
  value: Value,
): string {
  const formatter = formats[reference.format];
  if (!formatter) {
    throw new UnknownMacroError(
      reference.text,
      `unknown format "${reference.format}"; use one of ${Object.keys(formats).join(', ')}`,
    );
  }
  return formatter(value);
}

/**
 * Checks what a panel query runs with: finite epoch times, `to` not before `from`, and an interval of at least
 * 1 ms (after truncation), else an {@link InvalidMacroContextError} naming the field and the value.
 */
export function checkMacroContext(context: {
  readonly from: number;
  readonly to: number;
  readonly intervalMs: number;
  readonly nowMs?: number;
}): void {
  const epochMs = (field: 'from' | 'to' | 'nowMs', value: number | undefined) => {
    if (value !== undefined && !Number.isFinite(value)) {
      throw new InvalidMacroContextError(field, value, 'must be a finite epoch time in milliseconds');
    }
  };
  epochMs('from', context.from);
  epochMs('to', context.to);
  epochMs('nowMs', context.nowMs);
  if (context.to < context.from) {
    throw new InvalidMacroContextError('to', context.to, `must not be before from (${context.from})`);
  }
  if (!Number.isFinite(context.intervalMs) || Math.trunc(context.intervalMs) < 1) {
    throw new InvalidMacroContextError('intervalMs', context.intervalMs, 'must be at least 1 (milliseconds)');
  }
}
