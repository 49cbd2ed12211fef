import { InternalServerException, LocalTimestreamSettingError, ThrottlingException } from '../errors';

/** Fractions (0..1) of WriteRecords calls answered with an error on purpose, before anything is written. */
export interface FaultRates {
  readonly throttle: number;
  readonly internal: number;
}

export const noFaults: FaultRates = { throttle: 0, internal: 0 };

const faultNames = ['throttle', 'internal'] as const;
const expected =
  'a comma-separated list of name:fraction with names throttle, internal and fractions 0..1 summing to at most 1, e.g. "throttle:0.2,internal:0.05"';

/**
 * Parses a fault setting such as `throttle:0.2,internal:0.05` (the `TIMESTREAM_FAULTS` variable).
 * An empty or undefined setting means no faults.
 *
 * @throws LocalTimestreamSettingError naming the setting, the value and what is allowed
 */
export function parseFaultRates(setting: string | undefined, settingName = 'TIMESTREAM_FAULTS'): FaultRates {
  if (setting === undefined || setting.trim() === '') return noFaults;
  const rates = { throttle: 0, internal: 0 };
  const seen = new Set<string>();
  for (const part of setting.split(',')) {
    const match = /^\s*([a-z]+)\s*:\s*([0-9]*\.?[0-9]+)\s*$/.exec(part);
    const name = match?.[1] as (typeof faultNames)[number] | undefined;
    if (!match || !name || !faultNames.includes(name) || seen.has(name)) {
      throw new LocalTimestreamSettingError(settingName, setting, expected);
    }
    const fraction = Number(match[2]);
    if (!(fraction >= 0 && fraction <= 1))
      throw new LocalTimestreamSettingError(settingName, setting, expected);
    seen.add(name);
    rates[name] = fraction;
  }
  if (rates.throttle + rates.internal > 1)
    throw new LocalTimestreamSettingError(settingName, setting, expected);
  return rates;
}

/**
 * Draws, for one WriteRecords call, whether it fails on purpose.
 * Returns the error to answer with, or undefined to proceed.
 */
export function drawFault(rates: FaultRates, random: () => number = Math.random): Error | undefined {
  if (rates.throttle === 0 && rates.internal === 0) return undefined;
  const r = random();
  if (r < rates.throttle)
    return new ThrottlingException('Rate exceeded (fault injected by TIMESTREAM_FAULTS).');
  if (r < rates.throttle + rates.internal) {
    return new InternalServerException('Internal server error (fault injected by TIMESTREAM_FAULTS).');
  }
  return undefined;
}
