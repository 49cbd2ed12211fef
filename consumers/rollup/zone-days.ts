/**
 * The zone days live in core (`#core/time`), shared with the dashboards. This re-export keeps the modules that
 * still import them from here (the rollup CLI and InfluxDB rollup, the replay backfill, the local runtime) working; new code imports `#core/time`.
 */
export { addDays, type ZoneDay, zoneDate, zoneDays } from '#core/time';
