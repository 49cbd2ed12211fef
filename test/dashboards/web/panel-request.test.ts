import { describe, expect, it } from 'vitest';
import { InvalidPanelRequestError, panelIntervalMs, parsePanelRequest } from '#dashboards/web';

const now = Date.UTC(2026, 10, 27, 12);

describe('parsePanelRequest', () => {
  it('defaults to the last 30 days and 800 points', () => {
    expect(parsePanelRequest({}, now)).toEqual({ from: now - 30 * 86_400_000, to: now, maxDataPoints: 800 });
  });

  it('takes a picker range, a device and a measure', () => {
    expect(
      parsePanelRequest({ range: '24h', device: 'room_a', measure: 'co2', maxDataPoints: '300' }, now),
    ).toEqual({ from: now - 86_400_000, to: now, device: 'room_a', measure: 'co2', maxDataPoints: 300 });
  });

  it('takes an explicit from/to', () => {
    expect(parsePanelRequest({ from: '1000', to: '2000' }, now)).toMatchObject({ from: 1000, to: 2000 });
  });

  it('rejects values that would break out of the SQL literal, and lists every problem', () => {
    try {
      parsePanelRequest({ device: "a' OR '1'='1", measure: 'co2; DROP', range: '1y' }, now);
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidPanelRequestError);
      const problems = (error as InvalidPanelRequestError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).toMatch(/^range: must be one of 24h, 7d, 30d, 90d$/m);
      expect(problems.join('\n')).toMatch(/^device: must be 1\.\.128 characters/m);
      expect(problems.join('\n')).toMatch(/^measure: measure name "co2; DROP" must start with a letter/m);
    }
  });

  it('rejects a from without to and a range that ends before it starts', () => {
    expect(() => parsePanelRequest({ from: '1000' }, now)).toThrow(/give both from and to/);
    expect(() => parsePanelRequest({ from: '2000', to: '1000' }, now)).toThrow(/from must be before to/);
  });
});

describe('panelIntervalMs', () => {
  it('rounds range / points up to a nice interval, never below the minimum', () => {
    expect(panelIntervalMs(86_400_000, 1000)).toBe(300_000); // 86.4 s -> 5 min
    expect(panelIntervalMs(86_400_000, 100_000, 60_000)).toBe(60_000);
    expect(panelIntervalMs(90 * 86_400_000, 100)).toBe(86_400_000);
    expect(panelIntervalMs(3650 * 86_400_000, 100)).toBe(37 * 86_400_000);
  });
});
