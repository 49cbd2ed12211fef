import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The page's script and uPlot's stylesheet, served by the dashboard server itself (no CDN). */
export interface ClientAssets {
  readonly script: string;
  readonly uplotCss: string;
}

const require = createRequire(import.meta.url);

/**
 * Bundles `client/main.ts` (with uPlot from node_modules) into one ES module with esbuild, and reads uPlot's
 * CSS. Run once at server start (a fraction of a second).
 */
export async function buildClientAssets(): Promise<ClientAssets> {
  const entry = fileURLToPath(new URL('./client/main.ts', import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error(`esbuild produced no output for ${entry}`);
  const uplotCss = await readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  return { script, uplotCss };
}
