import type { ReadingInput } from '#core/reading';
import { type FleetIdentity, fleetDeviceProfile } from './fleet';
import { randomFor } from './prng';
import { type DeviceProfile, roomClimateAt } from './room-climate';

/** What past a fleet is given by {@link createHistory}. */
export interface HistoryOptions extends FleetIdentity {
  /** Epoch ms: the first reading is at or after it. */
  readonly fromMs: number;
  /** Epoch ms: the last reading is before it. */
  readonly toMs: number;
  /** Time between two readings of a device (ms): readings are at the multiples of it since the epoch. */
  readonly intervalMs: number;
  /** Readings per request (one device per request): at most INGEST_MAX_READINGS. */
  readonly batch: number;
}

/** One request of a history: `readings` of one device, in time order. */
export interface HistoryRequest {
  readonly index: number;
  readonly deviceId: string;
  readonly readings: ReadingInput[];
}

/** The past readings of a fleet, as requests to the ingest; `request(j)` is a pure function of the options and `j`. */
export interface History {
  readonly options: HistoryOptions;
  /** Epoch ms of the first and the last reading time (every device reads at the same times). */
  readonly firstMs: number;
  readonly lastMs: number;
  /** Reading times of one device. */
  readonly slots: number;
  /** Readings of the whole fleet: `devices * slots`, each a distinct (device, time). */
  readonly readingCount: number;
  readonly requestCount: number;
  readonly deviceIds: readonly string[];
  profile(device: number): DeviceProfile;
  request(index: number): HistoryRequest;
}

const noiseTag = 0x68697374;

/**
 * Plausible past readings of a fleet: every device reads at the multiples of `intervalMs` between `fromMs` and
 * `toMs`, its values from its room's rhythm (`roomClimateAt`): CO2 following the occupancy of the workday in
 * the room's local time (high on weekday afternoons, outdoor air at night and on weekends), temperature with a
 * day/night swing plus body heat, humidity falling as the room warms. The rooms are the live simulator's for the
 * same seed and fleet size, and each value is a function of (seed, device, time), so a history sent again, or
 * one that overlaps another of the same seed, sends the same values.
 *
 * Requests go oldest first across the fleet (request `j` is time chunk `floor(j / devices)` of device
 * `j mod devices`), so the readings in flight at any moment span a few days, not the whole history.
 *
 * @example
 * const history = createHistory({ devices: 3, seed: 1, fromMs: Date.now() - 3 * 86_400_000, toMs: Date.now(),
 *   intervalMs: 300_000, batch: 500 });
 * history.request(0).readings; // the first 500 readings of sim-0000, 5 minutes apart
 */
export function createHistory(options: HistoryOptions): History {
  const { devices, intervalMs, batch } = options;
  if (!(Number.isInteger(intervalMs) && intervalMs > 0)) {
    throw new RangeError(`intervalMs must be a whole number of ms above 0 (got ${intervalMs})`);
  }
  if (!(Number.isInteger(batch) && batch > 0))
    throw new RangeError(`batch must be a whole number above 0 (got ${batch})`);
  const firstMs = Math.ceil(options.fromMs / intervalMs) * intervalMs;
  const slots = Math.max(0, Math.ceil((options.toMs - firstMs) / intervalMs));
  const chunks = Math.ceil(slots / batch);
  const profiles = Array.from({ length: devices }, (_, d) => fleetDeviceProfile(options, d));
  return {
    options,
    firstMs,
    lastMs: firstMs + (slots - 1) * intervalMs,
    slots,
    readingCount: devices * slots,
    requestCount: devices * chunks,
    deviceIds: profiles.map((p) => p.deviceId),
    profile: (d) => {
      const p = profiles[d];
      if (p === undefined) throw new RangeError(`no device ${d} in a fleet of ${devices}`);
      return p;
    },
    request(index) {
      const d = index % devices;
      const chunk = Math.floor(index / devices);
      const p = profiles[d];
      if (p === undefined || chunk >= chunks) {
        throw new RangeError(`no request ${index} in a history of ${devices * chunks} requests`);
      }
      const readings: ReadingInput[] = [];
      for (let slot = chunk * batch; slot < Math.min(slots, (chunk + 1) * batch); slot++) {
        const timeMs = firstMs + slot * intervalMs;
        readings.push({
          deviceId: p.deviceId,
          time: timeMs,
          measures: {
            ...roomClimateAt(options.seed, p, timeMs, randomFor(options.seed, d, timeMs, noiseTag)),
          },
        });
      }
      return { index, deviceId: p.deviceId, readings };
    },
  };
}

/**
 * The calendar days of `timeZone` (YYYY-MM-DD) that a history's readings fall on, first and last: the days a
 * rollup must aggregate for it (`npm run rollup -- --from <from> --to <to>`).
 */
export function historyZoneDays(history: History, timeZone: string): { from: string; to: string } {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  const date = (ms: number) => {
    const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
    return `${p.year}-${p.month}-${p.day}`;
  };
  return { from: date(history.firstMs), to: date(history.lastMs) };
}
