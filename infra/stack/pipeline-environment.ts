import { configEnvNames, type PipelineConfig } from '#core/config';

/**
 * The Lambda environment that makes `readPipelineConfig(process.env)` inside a function return exactly the
 * configuration the stack was synthesised with: every key under its own variable name (from
 * `configEnvNames`, so no name is spelled twice). All keys go to every function, not only the ones it
 * reads, so that a later change of a default in `core/config` cannot make a deployed function and its
 * stack disagree.
 *
 * @example
 * pipelineEnvironment(readPipelineConfig({ RAW_TABLE: 'conditions_v2' })).RAW_TABLE; // 'conditions_v2'
 */
export function pipelineEnvironment(config: PipelineConfig): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of Object.keys(configEnvNames) as (keyof PipelineConfig)[]) {
    const value = config[key];
    // lists (DIMENSIONS) as the comma-separated text readPipelineConfig reads back
    env[configEnvNames[key]] = typeof value === 'object' ? value.join(',') : String(value);
  }
  return env;
}
