export {
  escapeKey,
  escapeMeasurement,
  floatText,
  quoteString,
  tagValueProblem,
} from './escape';
export { LineBuffer } from './line-buffer';
export { ReadingLines } from './reading-lines';
export { LinePrecision, type RecordLike, type RecordLine, recordLine } from './record-lines';
