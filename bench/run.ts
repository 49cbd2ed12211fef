/**
 * `npm run bench -- <name> [args]` runs bench/<name>.bench.ts (or a workspace package's
 * packages/<package>/bench/<name>.bench.ts); with no name it lists the benchmarks.
 * Each benchmark prints its figure and, measured in the same run, the baseline it is compared with.
 */
// first: the AWS SDK's Node.js advisory off, for this process and the benchmarks it spawns (they inherit it)
import '#adapters/quiet-aws-sdk';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = dirname(here);
const [name, ...rest] = process.argv.slice(2);

const packagesDir = join(root, 'packages');
const benchDirs = [
  here,
  ...(existsSync(packagesDir) ? readdirSync(packagesDir).map((p) => join(packagesDir, p, 'bench')) : []),
].filter((d) => existsSync(d));

const benches = benchDirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => {
      const file = join(dir, f);
      const firstDoc = readFileSync(file, 'utf8').match(/\/\*\*\s*\n?\s*\*?\s*(.+)/);
      return { name: f.replace(/\.bench\.ts$/, ''), file, about: firstDoc?.[1]?.trim() ?? '' };
    }),
);

if (!name) {
  console.log('Benchmarks (npm run bench -- <name>):');
  for (const b of benches) console.log(`  ${b.name.padEnd(12)} ${b.about}  [${relative(root, b.file)}]`);
  process.exit(0);
}
const bench = benches.find((b) => b.name === name);
if (!bench) {
  console.error(
    `No benchmark named "${name}". Known: ${benches.map((b) => b.name).join(', ') || '(none yet)'}`,
  );
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', bench.file, ...rest], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
