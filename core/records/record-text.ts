/*
 * Texts of record values and times, exactly `String(x)`, made cheaper for the writer's hot path.
 */

const valueTexts = new Map<number, string>();
const maxValueTexts = 65_536;

/**
 * `String(value)`, the text a measure value is written as. Sensors report a few distinct values over and over
 * (quantized readings), so the text of each value is kept (at most 65,536, then forgotten all at once)
 * rather than formatted again: one Map lookup instead of a double-to-shortest-text conversion.
 */
export function valueText(value: number): string {
  let text = valueTexts.get(value);
  if (text === undefined) {
    text = String(value);
    // -0 and 0 share a Map entry and a text ("0"), so any value may be stored.
    if (valueTexts.size >= maxValueTexts) valueTexts.clear();
    valueTexts.set(value, text);
  }
  return text;
}

let lastMillions = -1;
let lastMillionsText = '';

/**
 * `String(timeMs)` for a record time in milliseconds. The text of the millions (about 17 minutes, the same
 * for most of a batch's readings) is kept from the last call and six digits are appended: cheaper than
 * formatting a 13-digit double each time. Anything but a whole number from 10^6 to 2^53 is left to `String`.
 */
export function msTimeText(timeMs: number): string {
  if (!(timeMs >= 1_000_000 && timeMs <= Number.MAX_SAFE_INTEGER && Number.isInteger(timeMs)))
    return String(timeMs);
  const millions = Math.floor(timeMs / 1_000_000);
  if (millions !== lastMillions) {
    lastMillions = millions;
    lastMillionsText = String(millions);
  }
  return lastMillionsText + String(timeMs - millions * 1_000_000 + 1_000_000).slice(1);
}
