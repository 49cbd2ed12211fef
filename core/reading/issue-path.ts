const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a field path the way JavaScript would access it: `[3].measures.temperature.unit`,
 * `measures["pm2.5"]`. `prefix` is the batch index part (`[3]`) or `''`.
 */
export function formatPath(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const k = String(key);
      out += identifier.test(k) ? (out === '' ? k : `.${k}`) : `[${JSON.stringify(k)}]`;
    }
  }
  return out;
}
