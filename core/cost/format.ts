import { measured, stackDefaults } from './deployment';
import { type CostEstimate, hoursPerMonth } from './estimate';
import type { Lever } from './levers';
import type { RegionPrices } from './prices';

const usd = (n: number) =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** Text table with the first column left-aligned and the others right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** What is not in the estimate (each small or outside the pipeline). */
const leftOut = [
  'free tiers, Savings Plans and taxes',
  'data transfer out (the 202 answers to devices, about 100 bytes each)',
  'CloudWatch Logs storage (1 month retention, compressed); warnings and errors the handlers log',
  'Powertools custom metrics and CloudWatch metric queries',
  'KMS requests (Kinesis uses the AWS managed key), SQS, SNS, S3, SSM (standard parameter, free), EventBridge Scheduler (one run a day)',
  'replays, redrives and retries; Grafana itself; Grafana variable queries',
  'Kinesis long-term retention (beyond 7 days) and enhanced fan-out',
] as const;

/** The estimate as printed by `npm run cost`: the bill, the figures it rests on, and what is left out. */
export function formatEstimate(estimate: CostEstimate, prices: RegionPrices): string {
  const i = estimate.inputs;
  const f = estimate.figures;
  const head =
    `Monthly AWS bill (${hoursPerMonth} hours), ${estimate.region}: ${i.devices.toLocaleString('en-US')} devices, ` +
    `a reading every ${i.intervalSeconds} s, ${i.readingsPerPost} per POST, ${i.measures.join('+')}, ` +
    `layout ${i.layout}, stream ${i.streamMode === 'ON_DEMAND' ? 'on-demand' : `provisioned (${i.shards} shards)`}, ` +
    `log level ${i.logLevel}, tracing ${i.tracing ? 'on' : 'off'}`;
  const rows = estimate.lines.map((l) => [l.component, l.usage, usd(l.monthlyUsd)]);
  rows.push(['Total', '', usd(estimate.totalUsd)]);
  const out = [head, '', table(['component', 'usage', 'USD/month'], rows, 2), ''];
  out.push(
    "Measured with the pipeline's code on sample readings:",
    `  POST body ${f.requestBodyBytes} B; Kinesis record ${f.kinesisRecordBytes} B (encodeReadings + partition key)`,
    `  Timestream: ${fmt(f.meteredBytesPerReading, 1)} metered B and ${fmt(f.writeUnitsPerReading, 4)} write units a reading ` +
      `(toWriteChunks, ${fmt(f.readingsPerWriterInvocation, 1)} readings an invocation), ${fmt(f.storedBytesPerReading, 0)} B stored`,
    "CPU per unit of work (BENCHMARKS.md), scaled by Lambda's CPU share (a full vCPU at 1,769 MB):",
    `  writer ${fmt(measured.writerCpuSecondsPerReading.value * 1e6, 1)} us a reading: ${measured.writerCpuSecondsPerReading.source}`,
    `  ingest ${fmt(measured.ingestCpuSecondsPerReading.value * 1e6, 1)} us a reading: ${measured.ingestCpuSecondsPerReading.source}`,
    `  rollup ${fmt(measured.rollupSecondsPerAggregate.value * 1e6, 0)} us an aggregate: ${measured.rollupSecondsPerAggregate.source}`,
    `  authorizer: ${measured.authorizerSecondsPerInvocation.source}`,
    `Assumed (not measurable here; flags): Kinesis PutRecords ${i.latency.kinesisPutMs} ms (--put-ms), a wave of WriteRecords ` +
      `${i.latency.timestreamWriteMs} ms (--write-ms), a query ${i.latency.querySeconds} s (--query-seconds; billed at least ` +
      `${prices.timestream.minTcu} TCU x ${prices.timestream.minSeconds} s each, so concurrent panels that share TCUs cost less)`,
    `Lambda memory (infra/stack defaults): ingest ${stackDefaults.memoryMb.ingest} MB, authorizer ${stackDefaults.memoryMb.authorizer} MB, ` +
      `writer ${stackDefaults.memoryMb.writer} MB, rollup ${stackDefaults.memoryMb.rollup} MB, arm64`,
    `Prices: core/cost/prices.ts (retrieved ${prices.sources.timestream?.retrieved ?? '?'}).`,
    `Left out: ${leftOut.join('; ')}.`,
  );
  for (const w of estimate.warnings) out.push(`Warning: ${w}`);
  return out.join('\n');
}

/** The levers as a table: each change alone, and the bill with it. */
export function formatLevers(estimate: CostEstimate, levers: readonly Lever[]): string {
  const rows = levers.map((l) => [l.lever, l.change, usd(l.totalUsd), percentChange(l.ratio)]);
  return [
    `What changes the bill (one setting at a time, from ${usd(estimate.totalUsd)} a month):`,
    '',
    table(['lever', 'change', 'USD/month', 'vs now'], rows, 2),
  ].join('\n');
}

/** `-50%`, `+5%`, or `0%` when the change rounds to nothing. */
function percentChange(ratio: number): string {
  const percent = Math.round((ratio - 1) * 100);
  return percent === 0 ? '0%' : `${percent > 0 ? '+' : ''}${percent}%`;
}

function fmt(n: number | undefined, digits: number): string {
  return (n ?? Number.NaN).toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}
