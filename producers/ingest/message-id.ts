import { dedupeKey } from '#core/dedupe';
import type { Reading } from '#core/reading';

/**
 * The id the ingest reports for a reading: the device's `messageId` when given, else core's dedupe key. Both
 * are deterministic, so a device that resends the same reading gets the same id and the writer drops the copy.
 */
export function readingMessageId(reading: Reading): string {
  return reading.messageId ?? dedupeKey(reading);
}
