export {
  escapeKey,
  escapeMeasurement,
  floatText,
  quoteString,
  tagValueProblem,
} from './escape';
export { LinePrecision, type RecordLike, type RecordLine, recordLine } from './record-lines';
