import { LogLevel, RecordLayout, StreamMode } from '../config';
import {
  type AggregateRecordOf,
  type CostEstimate,
  type CostInputs,
  estimateCost,
  logsInfoLines,
} from './estimate';
import type { RegionPrices } from './prices';

/** One setting changed from the estimate's inputs, and the bill with it. */
export interface Lever {
  readonly lever: string;
  readonly change: string;
  readonly totalUsd: number;
  /** totalUsd / the estimate's total. */
  readonly ratio: number;
}

/**
 * The bill with one setting changed at a time: what halves it (readings per POST, interval, layout,
 * retention, stream mode, log level, tracing) and what the defaults already save (the authorizer cache).
 * Sorted cheapest first.
 */
export function costLevers(
  base: CostEstimate,
  prices: RegionPrices,
  aggregateRecordOf: AggregateRecordOf,
): Lever[] {
  const inputs = base.inputs;
  const variants: { lever: string; change: string; inputs: CostInputs }[] = [];
  const perPost = Math.min(500, inputs.readingsPerPost * 10);
  if (perPost !== inputs.readingsPerPost) {
    variants.push({
      lever: 'readings per POST',
      change: `${inputs.readingsPerPost} -> ${perPost} (devices buffer ${perPost} readings)`,
      inputs: { ...inputs, readingsPerPost: perPost },
    });
  }
  variants.push({
    lever: 'reading interval',
    change: `${inputs.intervalSeconds} s -> ${inputs.intervalSeconds * 2} s`,
    inputs: { ...inputs, intervalSeconds: inputs.intervalSeconds * 2 },
  });
  const layout = inputs.layout === RecordLayout.multi ? RecordLayout.single : RecordLayout.multi;
  variants.push({
    lever: 'record layout',
    change: `${inputs.layout} -> ${layout}`,
    inputs: { ...inputs, layout },
  });
  const memoryHours = inputs.rawMemoryHours > 6 ? 6 : 1;
  variants.push({
    lever: 'memory store retention',
    change: `${inputs.rawMemoryHours} h -> ${memoryHours} h`,
    inputs: { ...inputs, rawMemoryHours: memoryHours },
  });
  if (inputs.streamMode === StreamMode.onDemand) {
    // enough shards for the load with half as much again in reserve
    const load = Math.max(
      (base.figures.recordsPerSecond ?? 0) / 1000,
      (base.figures.bytesPerSecond ?? 0) / 2 ** 20,
    );
    const shards = Math.max(1, Math.ceil(1.5 * load));
    variants.push({
      lever: 'stream mode',
      change: `on-demand -> provisioned, ${shards} shard${shards === 1 ? '' : 's'}`,
      inputs: { ...inputs, streamMode: StreamMode.provisioned, shards },
    });
  } else {
    variants.push({
      lever: 'stream mode',
      change: `provisioned -> on-demand`,
      inputs: { ...inputs, streamMode: StreamMode.onDemand },
    });
  }
  if (inputs.refreshesPerDay > 0 && inputs.panels > 0) {
    variants.push({
      lever: 'dashboard refreshes',
      change: `${inputs.refreshesPerDay} -> ${inputs.refreshesPerDay / 2} a day`,
      inputs: { ...inputs, refreshesPerDay: inputs.refreshesPerDay / 2 },
    });
  }
  variants.push(
    inputs.tracing
      ? { lever: 'X-Ray tracing (TRACING)', change: 'on -> off', inputs: { ...inputs, tracing: false } }
      : { lever: 'X-Ray tracing (TRACING)', change: 'off -> on', inputs: { ...inputs, tracing: true } },
  );
  // WARN keeps the handlers' warnings and errors and drops their INFO line per request
  const logLevel = logsInfoLines(inputs.logLevel) ? LogLevel.warn : LogLevel.info;
  variants.push({
    lever: 'log level (LOG_LEVEL)',
    change: `${inputs.logLevel} -> ${logLevel}`,
    inputs: { ...inputs, logLevel },
  });
  if (inputs.authorizerCacheTtlSeconds > 0) {
    variants.push({
      lever: 'authorizer cache',
      change: `${inputs.authorizerCacheTtlSeconds} s -> off`,
      inputs: { ...inputs, authorizerCacheTtlSeconds: 0 },
    });
  }
  return variants
    .map((v) => {
      const totalUsd = estimateCost(v.inputs, prices, aggregateRecordOf).totalUsd;
      return { lever: v.lever, change: v.change, totalUsd, ratio: totalUsd / base.totalUsd };
    })
    .sort((a, b) => a.totalUsd - b.totalUsd);
}
