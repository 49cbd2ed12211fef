/**
 * AWS list prices the cost estimate uses, with where each came from. One dated file: when AWS changes a
 * price, change it here (and `retrieved`), and the README's "What it costs" output with it.
 *
 * Prices are on-demand list prices in USD, without free tiers (the 12-month ones run out, the always-free
 * ones are small next to a fleet) and without Savings Plans or private pricing. A "GB" is 2^30 bytes.
 * Sources were read on `retrieved` through stored copies of the pages (the machine that wrote this has no
 * web access); `note` says where a figure was not on the page read, so that it can be checked first.
 */

/** Where a price was read, and anything to know about it. */
export interface PriceSource {
  readonly url: string;
  readonly retrieved: string;
  readonly note?: string;
}

/** Every price of one region. */
export interface RegionPrices {
  readonly region: string;
  readonly apiGateway: {
    /** HTTP API: per million requests, each metered in 512 KB increments. */
    readonly httpPerMillionFirst300M: number;
    readonly httpPerMillionAfter300M: number;
    readonly meteredRequestBytes: number;
  };
  readonly lambda: {
    readonly perMillionRequests: number;
    /** arm64 (the stack's architecture), first 7.5 billion GB-seconds a month. */
    readonly arm64PerGbSecond: number;
  };
  readonly kinesis: {
    readonly onDemand: {
      readonly perStreamHour: number;
      /** Each record rounded up to 1 KiB. */
      readonly perGbIn: number;
      readonly perGbOut: number;
      /** Data kept longer than 24 hours, up to 7 days. */
      readonly extendedRetentionPerGbMonth: number;
    };
    readonly provisioned: {
      readonly perShardHour: number;
      /** PUT payload units of 25 KB. */
      readonly perMillionPutUnits: number;
      readonly putUnitBytes: number;
      /** Retention longer than 24 hours, up to 7 days. */
      readonly extendedRetentionPerShardHour: number;
    };
  };
  readonly timestream: {
    /** Per million writes of 1 KiB (each WriteRecords request metered in 1 KiB units). */
    readonly perMillionWrites: number;
    readonly memoryPerGbHour: number;
    readonly magneticPerGbMonth: number;
    /** Magnetic storage billed at least this many GB per account and region. */
    readonly magneticMinimumGb: number;
    /** Query compute: per TCU-hour; each query at least `minTcu` for `minSeconds`. */
    readonly perTcuHour: number;
    readonly minTcu: number;
    readonly minSeconds: number;
  };
  readonly xray: { readonly perMillionTracesRecorded: number };
  readonly cloudWatch: {
    readonly logsPerGbIngested: number;
    /** Bytes CloudWatch Logs adds to each event's size for ingestion. */
    readonly logEventOverheadBytes: number;
    readonly perStandardAlarmMonth: number;
  };
  readonly secretsManager: { readonly perSecretMonth: number; readonly per10kApiCalls: number };
  readonly kms: { readonly perCustomerKeyMonth: number };
  readonly sources: Readonly<Record<string, PriceSource>>;
}

const retrieved = '2026-12-06';

/** us-east-1 (N. Virginia), the default region of `npm run cost`. */
const usEast1: RegionPrices = {
  region: 'us-east-1',
  apiGateway: { httpPerMillionFirst300M: 1.0, httpPerMillionAfter300M: 0.9, meteredRequestBytes: 512 * 1024 },
  lambda: { perMillionRequests: 0.2, arm64PerGbSecond: 0.0000133334 },
  kinesis: {
    onDemand: { perStreamHour: 0.04, perGbIn: 0.08, perGbOut: 0.04, extendedRetentionPerGbMonth: 0.1 },
    provisioned: {
      perShardHour: 0.015,
      perMillionPutUnits: 0.014,
      putUnitBytes: 25 * 1024,
      extendedRetentionPerShardHour: 0.02,
    },
  },
  timestream: {
    perMillionWrites: 0.5,
    memoryPerGbHour: 0.036,
    magneticPerGbMonth: 0.03,
    magneticMinimumGb: 100,
    perTcuHour: 0.518,
    minTcu: 4,
    minSeconds: 30,
  },
  xray: { perMillionTracesRecorded: 5.0 },
  cloudWatch: { logsPerGbIngested: 0.5, logEventOverheadBytes: 26, perStandardAlarmMonth: 0.1 },
  secretsManager: { perSecretMonth: 0.4, per10kApiCalls: 0.05 },
  kms: { perCustomerKeyMonth: 1.0 },
  sources: {
    apiGateway: {
      url: 'https://aws.amazon.com/api-gateway/pricing/',
      retrieved,
      note: 'us-east-1 HTTP API tiers and the 512 KB metering as quoted in AWS whitepaper "Best Practices for Designing Amazon API Gateway Private APIs", table 4',
    },
    lambda: {
      url: 'https://aws.amazon.com/lambda/pricing/',
      retrieved,
      note: 'duration rounded up to 1 ms; arm64 rate of the first 7.5B GB-s tier',
    },
    kinesis: {
      url: 'https://aws.amazon.com/kinesis/data-streams/pricing/',
      retrieved,
      note: 'on-demand standard (1 KiB rounding per record in; no rounding out) and provisioned rates as tabulated by Trek10, "Kinesis Data Streams On-demand vs. Provisioned Billing Mode Cost Comparison" (2023); the extended-retention rates were not on the pages read: check them',
    },
    timestream: {
      url: 'https://aws.amazon.com/timestream/pricing/',
      retrieved,
      note: 'write metering: https://docs.aws.amazon.com/timestream/latest/developerguide/metering-and-pricing.writes.html; TCU billing (4 TCU minimum, per second, 30 s minimum): https://docs.aws.amazon.com/timestream/latest/developerguide/tcu.html; the TCU-hour rate and the 100 GB magnetic minimum as quoted from the pricing page by secondary sources',
    },
    xray: {
      url: 'https://aws.amazon.com/xray/pricing/',
      retrieved,
      note: 'traces recorded; retrieval and scans left out',
    },
    cloudWatch: {
      url: 'https://aws.amazon.com/cloudwatch/pricing/',
      retrieved,
      note: "standard log ingestion; 26 bytes are added to each event as PutLogEvents counts an event's size (an upper bound of what ingestion meters)",
    },
    secretsManager: { url: 'https://aws.amazon.com/secrets-manager/pricing/', retrieved },
    kms: { url: 'https://aws.amazon.com/kms/pricing/', retrieved },
  },
};

/** The prices of each region the estimate knows, by region name. */
export const pricesByRegion: Readonly<Record<string, RegionPrices>> = { 'us-east-1': usEast1 };

export const defaultRegion = 'us-east-1';
