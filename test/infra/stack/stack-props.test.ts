import { App, Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { readPipelineConfig } from '#core/config';
import {
  InvalidStackPropError,
  TelemetryPipelineStack,
  type TelemetryPipelineStackProps,
} from '#infra/stack';

/** Builds the stack with one bad prop; validation runs before any function is bundled. */
const build = (props: TelemetryPipelineStackProps) => () =>
  new TelemetryPipelineStack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Pipeline', {
    config: readPipelineConfig({}),
    ...props,
  });

describe('TelemetryPipelineStack props validation', () => {
  it('rejects a throttle rate of 0, showing the value and the range', () => {
    const act = build({ ingestThrottle: { rateLimit: 0, burstLimit: 10 } });
    expect(act).toThrow(InvalidStackPropError);
    expect(act).toThrow('Pipeline.ingestThrottle.rateLimit=0: must be a whole number from 1 to 10000');
  });

  it('rejects a burst limit far below the rate', () => {
    expect(build({ ingestThrottle: { rateLimit: 1000, burstLimit: 5 } })).toThrow(
      /below a tenth of rateLimit/,
    );
  });

  it('rejects a units configuration that the writer could not read', () => {
    expect(build({ unitsConfigJson: '{not json' })).toThrow(/UNITS_CONFIG/);
  });

  it('rejects an alarm e-mail that is not an address', () => {
    expect(build({ alarmEmail: 'ops' })).toThrow('Pipeline.alarmEmail="ops": must be an e-mail address');
  });

  it('rejects a rollup timeout beyond the Lambda limit', () => {
    expect(build({ rollupTimeout: Duration.minutes(20) })).toThrow(/rollupTimeout \(s\)=1200/);
  });

  it('rejects function memory outside Lambda limits', () => {
    expect(build({ memorySize: { writer: 64 } })).toThrow('WriterFunction.memorySize=64');
  });

  it('rejects an iterator-age alarm below a second', () => {
    expect(build({ maxIteratorAge: Duration.millis(10) })).toThrow(/maxIteratorAge \(ms\)=10/);
  });

  it('rejects an absolute or non-TypeScript entry', () => {
    expect(build({ entries: { rollup: '/etc/passwd' } })).toThrow(
      'RollupFunction.entry="/etc/passwd": give a .ts file relative to the repository root',
    );
  });

  it('rejects a missing handler entry with the path in the message', () => {
    expect(build({ entries: { writer: 'consumers/writer/nope.ts' } })).toThrow(/nope\.ts/);
  });
});
