import type { UnitsConfig } from './units-config';

/**
 * The measures the pipeline knows out of the box: each with its canonical (stored) unit and the units a device
 * may send, as data in the same shape as `UNITS_CONFIG` (see {@link UnitsConfig}).
 *
 * `library` names a `convert-units` 2 unit: the conversion into the canonical unit is derived from that library
 * once, when the registry is built. `factor`/`offset` are used only where the library has no such unit or is
 * not exact; each says which standard definition it encodes:
 * - percent and fraction (1 = 100 %), percent of parts (1 % = 10,000 ppm), mg/m3 (= 1,000 ug/m3): exact by
 *   definition of the units.
 * - mmHg and inHg: the conventional mercury column (density 13,595.1 kg/m3, standard gravity 9.80665 m/s2),
 *   1 mmHg = 133.322387415 Pa exactly and 1 inHg = 25.4 mmHg = 3,386.38864034 Pa (NIST SP 811, B.8).
 * - in (1959 international inch, exactly 25.4 mm), ft/s (exactly 0.3048 m/s) and knot (exactly 1,852 m/h):
 *   convert-units 2 anchors imperial lengths on 3.28084 ft/m and gives 25.3999991872 mm, 0.30479991872 m/s
 *   and 0.51444424416 m/s, off in the 8th digit, so the exact definitions are used instead.
 */
export const builtInMeasures = {
  measures: {
    temperature: temperatureUnits(),
    dew_point: temperatureUnits(),
    humidity: fractionOrPercent(),
    soil_moisture: fractionOrPercent(),
    battery_level: fractionOrPercent(),
    co2: {
      canonicalUnit: 'ppm',
      library: 'ppm',
      units: { ppb: { library: 'ppb' }, percent: { factor: 10_000 } },
    },
    co: partsPer('ppm'),
    tvoc: partsPer('ppb'),
    no2: partsPer('ppb'),
    o3: partsPer('ppb'),
    so2: partsPer('ppb'),
    pm1_0: massConcentration(),
    pm2_5: massConcentration(),
    pm4_0: massConcentration(),
    pm10: massConcentration(),
    pressure: {
      canonicalUnit: 'hPa',
      library: 'hPa',
      units: {
        Pa: { library: 'Pa' },
        kPa: { library: 'kPa' },
        bar: { library: 'bar' },
        torr: { library: 'torr' },
        mmHg: { factor: 1.33322387415 },
        inHg: { factor: 33.8638864034 },
      },
    },
    illuminance: { canonicalUnit: 'lx', library: 'lx', units: { fc: { library: 'ft-cd' } } },
    noise: { canonicalUnit: 'dBA' },
    battery_voltage: { canonicalUnit: 'V', library: 'V', units: { mV: { library: 'mV' } } },
    wind_speed: speedUnits(),
    wind_gust: speedUnits(),
    wind_direction: { canonicalUnit: 'deg', library: 'deg', units: { rad: { library: 'rad' } } },
    rain: {
      canonicalUnit: 'mm',
      library: 'mm',
      units: { cm: { library: 'cm' }, in: { factor: 25.4 } },
    },
    rain_rate: { canonicalUnit: 'mm/h', units: { 'in/h': { factor: 25.4 } } },
    solar_radiation: { canonicalUnit: 'W/m2' },
    uv_index: { canonicalUnit: 'index' },
  },
} as const satisfies UnitsConfig;

function temperatureUnits() {
  return {
    canonicalUnit: 'degC',
    library: 'C',
    units: { degF: { library: 'F' }, K: { library: 'K' } },
  } as const;
}

function fractionOrPercent() {
  return { canonicalUnit: 'percent', units: { fraction: { factor: 100 } } } as const;
}

function partsPer(canonical: 'ppm' | 'ppb') {
  const other = canonical === 'ppm' ? 'ppb' : 'ppm';
  return { canonicalUnit: canonical, library: canonical, units: { [other]: { library: other } } };
}

function massConcentration() {
  return { canonicalUnit: 'ug/m3', units: { 'mg/m3': { factor: 1000 } } } as const;
}

function speedUnits() {
  return {
    canonicalUnit: 'm/s',
    library: 'm/s',
    units: {
      'km/h': { library: 'km/h' },
      mph: { library: 'm/h' },
      knots: { factor: 1852 / 3600 },
      'ft/s': { factor: 0.3048 },
    },
  } as const;
}
