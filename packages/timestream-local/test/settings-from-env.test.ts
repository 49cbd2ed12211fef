import { describe, expect, it } from 'vitest';
import { LocalTimestreamSettingError } from '../src/errors';
import { timestreamTuningFromEnv } from '../src/settings-from-env';

describe('timestreamTuningFromEnv', () => {
  it('leaves unset and empty variables to the defaults', () => {
    expect(timestreamTuningFromEnv({})).toEqual({});
    expect(timestreamTuningFromEnv({ TIMESTREAM_APPLY_DELAY_MS: '' })).toEqual({});
  });

  it('reads the three settings', () => {
    expect(
      timestreamTuningFromEnv({
        TIMESTREAM_JOURNAL_SYNC_MS: '0',
        TIMESTREAM_APPLY_DELAY_MS: '250',
        TIMESTREAM_INDEX_DAYS: '31',
      }),
    ).toEqual({ journalSyncMs: 0, applyDelayMs: 250, indexDays: 31 });
  });

  it.each([
    ['TIMESTREAM_APPLY_DELAY_MS', '-1', /TIMESTREAM_APPLY_DELAY_MS.*-1.*milliseconds >= 0/],
    ['TIMESTREAM_JOURNAL_SYNC_MS', '1.5', /TIMESTREAM_JOURNAL_SYNC_MS.*1\.5.*milliseconds >= 0/],
    ['TIMESTREAM_INDEX_DAYS', '0', /TIMESTREAM_INDEX_DAYS.*0.*days >= 1/],
  ])('refuses %s=%s, naming it', (name, value, message) => {
    expect(() => timestreamTuningFromEnv({ [name]: value })).toThrow(LocalTimestreamSettingError);
    expect(() => timestreamTuningFromEnv({ [name]: value })).toThrow(message);
  });
});
