import type { ReadingInput } from '#core/reading';
import { randomFor } from './prng';
import { type DeviceProfile, deviceProfile, reportsFahrenheit, roomClimateAt } from './room-climate';

/** What the fleet looks like and how it reports. */
export interface FleetOptions {
  /** Number of devices (rooms). */
  readonly devices: number;
  /** Readings per second of the whole fleet. */
  readonly rate: number;
  /** Readings per request (each request carries the readings of one device). */
  readonly batch: number;
  /** Length of the run: the fleet sends `floor(durationMs / 1000 * rate / batch)` requests (at least 1). */
  readonly durationMs: number;
  readonly seed: number;
  /** Fraction of readings sent again (same messageId) in the device's next request. @default 0 */
  readonly duplicates?: number;
  /** Fraction of readings sent with a time minutes to hours in the past. @default 0 */
  readonly late?: number;
  /** Fraction of devices that send temperature in degF. @default 0 */
  readonly fahrenheit?: number;
  /** Epoch ms of the run's start: the readings' times follow from it. */
  readonly startMs: number;
  /** @default 'sim' (devices are `sim-0000`, `sim-0001`, ...) */
  readonly devicePrefix?: string;
  /** Most readings in one request, duplicates included (INGEST_MAX_READINGS). @default 500 */
  readonly maxReadings?: number;
}

/** One request of the fleet: one device's readings. */
export interface FleetRequest {
  readonly index: number;
  readonly deviceId: string;
  /** When the token bucket lets it go, if the run keeps pace (epoch ms). */
  readonly scheduledAtMs: number;
  readonly readings: ReadingInput[];
  /** Readings of this request that repeat one sent earlier (same messageId). */
  readonly duplicates: number;
  /** Readings of this request timed minutes to hours in the past. */
  readonly late: number;
}

/** A simulated fleet: the `request(j)` of a fleet is a pure function of its options and `j`. */
export interface Fleet {
  readonly options: FleetOptions;
  readonly requestCount: number;
  /** Milliseconds between two readings of one device. */
  readonly readingIntervalMs: number;
  profile(device: number): DeviceProfile;
  request(index: number): FleetRequest;
}

/** What names a fleet's devices and draws their rooms: the same in a live run and in a history. */
export type FleetIdentity = Pick<FleetOptions, 'devices' | 'seed' | 'devicePrefix' | 'fahrenheit'>;

/**
 * Device `d` of a fleet: its id (`sim-0007`: the prefix and the index, zero-padded to the width of the largest
 * index, at least 4 digits) and its room, drawn from the seed. A live run and a history of the same seed and
 * fleet size simulate the same rooms.
 */
export function fleetDeviceProfile(fleet: FleetIdentity, d: number): DeviceProfile {
  const width = Math.max(4, String(fleet.devices - 1).length);
  const deviceId = `${fleet.devicePrefix ?? 'sim'}-${String(d).padStart(width, '0')}`;
  return deviceProfile(fleet.seed, d, deviceId, reportsFahrenheit(fleet.seed, d, fleet.fahrenheit ?? 0));
}

const lateMinMs = 2 * 60_000;
const lateMaxMs = 6 * 3_600_000;

/**
 * Builds a deterministic device fleet. Request `j` belongs to device `j mod devices` and carries that device's
 * next `batch` readings, spaced `devices / rate` seconds apart and ending at the request's scheduled time, so
 * each device's readings are continuous across requests and the whole fleet produces `rate` readings a second.
 * Every value comes from a PRNG seeded by (seed, device, sequence number): the same seed gives the same
 * readings, whatever order or concurrency they are sent with.
 *
 * @example
 * const fleet = createFleet({ devices: 10, rate: 100, batch: 10, durationMs: 60_000, seed: 1, startMs: Date.now() });
 * fleet.request(0).readings; // 10 canonical readings of sim-0000
 */
export function createFleet(options: FleetOptions): Fleet {
  const { devices, rate, batch } = options;
  const maxReadings = options.maxReadings ?? 500;
  if (batch > maxReadings)
    throw new RangeError(`batch ${batch} is over the ${maxReadings} readings of a request`);
  const requestCount = Math.max(1, Math.floor(((options.durationMs / 1000) * rate) / batch));
  const readingIntervalMs = (devices / rate) * 1000;
  const requestIntervalMs = (batch / rate) * 1000;
  const profiles = new Map<number, DeviceProfile>();
  const profile = (d: number) => {
    let p = profiles.get(d);
    if (p === undefined) {
      p = fleetDeviceProfile(options, d);
      profiles.set(d, p);
    }
    return p;
  };

  /** Reading number `seq` of device `d`: time on the device's schedule (or late), values from its climate. */
  const reading = (d: number, seq: number): { input: ReadingInput; late: boolean } => {
    const p = profile(d);
    const r = randomFor(options.seed, d, seq);
    const k = Math.floor(seq / batch);
    const i = seq - k * batch;
    const scheduled = options.startMs + (k * devices + d) * requestIntervalMs;
    let timeMs = Math.round(scheduled - (batch - 1 - i) * readingIntervalMs);
    const late = r.next() < (options.late ?? 0);
    if (late) timeMs -= Math.round(r.between(lateMinMs, lateMaxMs));
    return {
      input: {
        deviceId: p.deviceId,
        time: timeMs,
        messageId: String(seq),
        measures: { ...roomClimateAt(options.seed, p, timeMs, r) },
      },
      late,
    };
  };

  return {
    options,
    requestCount,
    readingIntervalMs,
    profile,
    request(index) {
      const d = index % devices;
      const k = Math.floor(index / devices);
      const readings: ReadingInput[] = [];
      let late = 0;
      for (let i = 0; i < batch; i++) {
        const r = reading(d, k * batch + i);
        readings.push(r.input);
        if (r.late) late++;
      }
      let duplicates = 0;
      if ((options.duplicates ?? 0) > 0) {
        // Resend some readings of this device's previous request (or, in its first request, of this one), as a
        // device does that missed an answer.
        const r = randomFor(options.seed, d, k, 0x64757073);
        const from = Math.max(0, k - 1) * batch;
        for (let i = 0; i < batch && readings.length < maxReadings; i++) {
          if (r.next() >= options.duplicates!) continue;
          const again = reading(d, from + r.int(batch));
          readings.push(again.input);
          duplicates++;
          if (again.late) late++;
        }
      }
      return {
        index,
        deviceId: profile(d).deviceId,
        scheduledAtMs: options.startMs + index * requestIntervalMs,
        readings,
        duplicates,
        late,
      };
    },
  };
}
