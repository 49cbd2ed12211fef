import { mixSeed, type Random, randomFor } from './prng';

/** One simulated room: its own baseline, occupancy and rhythm, drawn once from the seed. */
export interface DeviceProfile {
  readonly index: number;
  readonly deviceId: string;
  /** Local time of the room, hours from UTC (the daily rhythm follows it). */
  readonly utcOffsetHours: number;
  readonly outdoorCo2: number;
  /** CO2 added per person present (ppm), depends on room volume and ventilation. */
  readonly co2PerPerson: number;
  readonly maxPeople: number;
  readonly openHour: number;
  readonly closeHour: number;
  readonly baseTemperature: number;
  /** Half of the daily temperature swing (degC). */
  readonly temperatureSwing: number;
  readonly baseHumidity: number;
  /** This device reports temperature in degF (set by the fleet). */
  readonly fahrenheit: boolean;
}

/** Measures of one reading in the units the device sends. */
export interface RoomMeasures {
  readonly co2: number;
  readonly temperature: number | { readonly value: number; readonly unit: 'degF' };
  readonly humidity: number;
}

const slotMs = 15 * 60_000;
const offsets = [9, 9, 9, 9, 0, 1, -5, -8] as const;

/** Draws the profile of device `index` of a fleet (deterministic in `seed` and `index`). */
export function deviceProfile(
  seed: number,
  index: number,
  deviceId: string,
  fahrenheit: boolean,
): DeviceProfile {
  const r = randomFor(seed, index, 0x70726f66);
  const openHour = 7 + r.int(3);
  return {
    index,
    deviceId,
    utcOffsetHours: offsets[r.int(offsets.length)]!,
    outdoorCo2: round(r.between(400, 450), 0),
    co2PerPerson: r.between(35, 90),
    maxPeople: 1 + r.int(12),
    openHour,
    closeHour: openHour + 8 + r.int(4),
    baseTemperature: r.between(20, 25),
    temperatureSwing: r.between(0.4, 1.8),
    baseHumidity: r.between(35, 60),
    fahrenheit,
  };
}

/** People in the room during the 15-minute slot `slot` (epoch ms / 15 min): workday rhythm plus meetings. */
function occupancy(seed: number, p: DeviceProfile, slot: number): number {
  const localMs = slot * slotMs + p.utcOffsetHours * 3_600_000;
  const hour = (localMs / 3_600_000) % 24;
  const weekday = new Date(localMs).getUTCDay();
  const r = randomFor(seed, p.index, slot);
  const working = weekday >= 1 && weekday <= 5 && hour >= p.openHour && hour < p.closeHour;
  if (!working) return r.next() < 0.03 ? 1 : 0;
  const lunch = hour >= 12 && hour < 13 ? 0.5 : 1;
  let people = Math.round(p.maxPeople * lunch * r.between(0.4, 1));
  // A meeting now and then fills the room.
  if (r.next() < 0.08) people += Math.ceil(p.maxPeople / 2);
  return people;
}

/** Occupancy felt by the air: slots decay with a time constant of about 30 minutes. */
function airOccupancy(seed: number, p: DeviceProfile, slot: number): number {
  let weighted = 0;
  let weights = 0;
  for (let back = 0; back < 5; back++) {
    const w = Math.exp(-back / 2);
    weighted += w * occupancy(seed, p, slot - back);
    weights += w;
  }
  return weighted / weights;
}

/**
 * The room's climate at `timeMs`: CO2 from outdoor air plus the people present (following the workday with
 * occupancy bumps), temperature with a daily swing and body heat, humidity falling as the room warms; plus
 * sensor noise from `noise`. A pure function of (seed, profile, time, noise), so readings can be regenerated.
 */
export function roomClimateAt(seed: number, p: DeviceProfile, timeMs: number, noise: Random): RoomMeasures {
  const slot = Math.floor(timeMs / slotMs);
  const f = (timeMs - slot * slotMs) / slotMs;
  const people = (1 - f) * airOccupancy(seed, p, slot) + f * airOccupancy(seed, p, slot + 1);
  const localHour = (((timeMs / 3_600_000 + p.utcOffsetHours) % 24) + 24) % 24;
  const daily = Math.sin((2 * Math.PI * (localHour - 9)) / 24);
  const co2 = Math.max(380, p.outdoorCo2 + p.co2PerPerson * people + noise.between(-8, 8));
  const celsius = p.baseTemperature + p.temperatureSwing * daily + 0.08 * people + noise.between(-0.1, 0.1);
  const humidity = clamp(
    p.baseHumidity - 1.5 * (celsius - p.baseTemperature) + 0.3 * people + noise.between(-0.5, 0.5),
    10,
    90,
  );
  return {
    co2: Math.round(co2),
    temperature: p.fahrenheit ? { value: round((celsius * 9) / 5 + 32, 1), unit: 'degF' } : round(celsius, 1),
    humidity: round(humidity, 1),
  };
}

/** Whether device `index` of a fleet reports in degF (a `fraction` of devices, chosen by the seed). */
export function reportsFahrenheit(seed: number, index: number, fraction: number): boolean {
  return mixSeed(seed, index, 0x64656746) / 4294967296 < fraction;
}

const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;
const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));
