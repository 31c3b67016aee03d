import {
  advanceSimulationTime,
  formatSimulationTime,
  parseSimulationTime,
} from './simulation-time';

describe('the simulation clock', () => {
  it('reads RFC 3339 with offsets and fractions, writes UTC', () => {
    expect(formatSimulationTime(parseSimulationTime('2026-01-01T00:00:00+00:00')!)).toBe(
      '2026-01-01T00:00:00Z',
    );
    expect(formatSimulationTime(parseSimulationTime('2026-01-01t05:30:00.5-02:00')!)).toBe(
      '2026-01-01T07:30:00.500Z',
    );
  });

  it.each([
    '2026-01-01',
    '2026-01-01T00:00:00',
    '2026-13-01T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-01-01T24:00:00Z',
    ' 2026-01-01T00:00:00Z',
  ])('refuses %j', (text) => {
    expect(parseSimulationTime(text)).toBeUndefined();
  });

  it('advances by whole chronons across days, months and leap years', () => {
    expect(advanceSimulationTime('2024-02-28T23:00:00Z', 3600)).toBe('2024-02-29T00:00:00Z');
    expect(advanceSimulationTime('2026-12-31T23:59:00Z', 86_400 * 365)).toBe(
      '2027-12-31T23:59:00Z',
    );
  });

  it('stops at year 9999', () => {
    expect(advanceSimulationTime('9999-12-31T23:59:00Z', 59)).toBe('9999-12-31T23:59:59Z');
    expect(advanceSimulationTime('9999-12-31T23:59:00Z', 60)).toBeUndefined();
  });
});
