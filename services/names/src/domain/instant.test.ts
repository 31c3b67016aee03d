import { type CrucibleError } from '@crucible/contracts';
import { parseInstant } from './instant';

describe('parseInstant', () => {
  it('reads RFC 3339 times in any offset', () => {
    expect(parseInstant('2025-01-02T03:04:05.678Z', '/at').toISOString()).toBe(
      '2025-01-02T03:04:05.678Z',
    );
    expect(parseInstant('2025-01-02T05:04:05+02:00', '/at').toISOString()).toBe(
      '2025-01-02T03:04:05.000Z',
    );
  });

  it('drops digits below the millisecond instead of rounding up', () => {
    // Rounding up could move a time past a stored (millisecond) change.
    expect(parseInstant('2025-01-02T03:04:05.678999Z', '/at').toISOString()).toBe(
      '2025-01-02T03:04:05.678Z',
    );
  });

  it('refuses what no clock shows', () => {
    let error: unknown;
    try {
      parseInstant('2025-02-30T25:00:00Z', '/at');
    } catch (thrown) {
      error = thrown;
    }
    expect((error as CrucibleError).details).toMatchObject({
      path: '/at',
      reason: 'invalid_timestamp',
    });
  });
});
