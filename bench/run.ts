/**
 * `npm run bench -- <name> [args]` runs bench/<name>.bench.ts; with no name it lists the benchmarks.
 * Each benchmark prints its figure and, measured in the same run, the baseline it is compared with.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);

const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => {
    const firstDoc = readFileSync(join(here, f), 'utf8').match(/\/\*\*\s*\n?\s*\*?\s*(.+)/);
    return { name: f.replace(/\.bench\.ts$/, ''), about: firstDoc?.[1]?.trim() ?? '' };
  });

if (!name) {
  console.log('Benchmarks (npm run bench -- <name>):');
  for (const b of benches) console.log(`  ${b.name.padEnd(12)} ${b.about}`);
  process.exit(0);
}
const file = join(here, `${name}.bench.ts`);
if (!existsSync(file)) {
  console.error(
    `No benchmark named "${name}". Known: ${benches.map((b) => b.name).join(', ') || '(none yet)'}`,
  );
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...rest], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
