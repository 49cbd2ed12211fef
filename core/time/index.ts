export { addDays, lookbackDays, type ZoneDay, zoneDate, zoneDayStartMs, zoneDays } from './zone-days';
