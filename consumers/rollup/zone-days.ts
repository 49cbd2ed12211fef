/**
 * The zone days live in core (`#core/time`), shared with the dashboards. This re-export keeps the modules that
 * still import them from here (the rollup CLI, the replay backfill) working; new code imports `#core/time`.
 */
export { addDays, zoneDate, zoneDays } from '#core/time';
