import { type CallTranslation, DATETIME_FUNCTIONS } from './datetime-functions';
import { MATH_FUNCTIONS } from './math-functions';
import { STRING_FUNCTIONS } from './string-functions';

/**
 * The scalar functions of Timestream's guide (date/time, string, regular expression, math, bitwise,
 * conditional) that need more than a rename: name -> translation. Registered in SPECIAL_FUNCTIONS.
 */
export const SCALAR_FUNCTIONS: ReadonlyArray<[string, CallTranslation]> = [
  ...DATETIME_FUNCTIONS,
  ...STRING_FUNCTIONS,
  ...MATH_FUNCTIONS,
];
