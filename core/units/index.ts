export { builtInMeasures } from './measure-definitions';
export {
  applyConversion,
  type Conversion,
  createUnitRegistry,
  type LinearConversion,
  type MeasureUnits,
  roundConverted,
  type UnitRegistry,
} from './unit-registry';
export {
  parseUnitsConfig,
  readUnitsConfig,
  type UnitsConfig,
  unitsConfigEnvNames,
} from './units-config';
