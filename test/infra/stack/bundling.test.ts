import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthPipeline } from './synth-pipeline';

let outdir: string;
let template: Template;

beforeAll(async () => {
  // Act: a full synth with bundling (the local esbuild; no Docker exists on this machine)
  outdir = await mkdtemp(join(tmpdir(), 'cdk-bundling-'));
  ({ template } = synthPipeline({}, {}, { bundle: true, outdir }));
}, 300_000);

afterAll(async () => {
  if (outdir) await rm(outdir, { recursive: true, force: true });
});

/** The bundle directory of each function, by Powertools service name. */
function bundles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
    const service = fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME as string;
    const key = fn.Properties.Code.S3Key as string;
    out[service] = join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
  }
  return out;
}

describe('NodejsFunction bundling', () => {
  it('bundles each handler into an ESM file that keeps function names, without a source map', () => {
    const dirs = bundles();
    expect(Object.keys(dirs).sort()).toEqual(['authorizer', 'ingest', 'rollup', 'writer']);
    for (const [service, dir] of Object.entries(dirs)) {
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith('import { createRequire }'), service).toBe(true);
      // esbuild's keepNames helper: stack traces name the functions, with no map to parse at cold start
      expect(code, service).toMatch(/"name",\{value:/);
      expect(existsSync(join(dir, 'index.mjs.map')), service).toBe(false);
    }
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBeUndefined();
    }
  });

  it('produces bundles that load and export a handler function', async () => {
    // Prepare: the environment the functions get, enough for their module-level set-up
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.DEAD_LETTER_QUEUE_URL ??= 'https://sqs.us-east-1.amazonaws.com/123456789012/dlq';
    process.env.TOKEN_SECRET_ARN ??= 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token';
    for (const [service, dir] of Object.entries(bundles())) {
      // Act
      const mod = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { handler?: unknown };
      // Assess
      expect(typeof mod.handler, service).toBe('function');
    }
  });
});
