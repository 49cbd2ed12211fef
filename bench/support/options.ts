/** `--name N` from the benchmark's arguments: a positive whole number, or `fallback` when absent. */
export function numberOption(name: string, fallback: number, args = process.argv.slice(2)): number {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isInteger(v) || v <= 0)
    throw new Error(`--${name} needs a positive whole number, got ${args[i + 1]}`);
  return v;
}

/** `--name value` from the benchmark's arguments, or `fallback`. */
export function stringOption(name: string, fallback: string, args = process.argv.slice(2)): string {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : (args[i + 1] ?? fallback);
}
