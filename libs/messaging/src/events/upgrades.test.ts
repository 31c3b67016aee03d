import { upgradeEventData, type EventUpgrades } from './upgrades';

// A made-up history of components.component_stored: v1 -> v2 added `source`,
// v2 -> v3 renamed size_bytes to bytes.
const upgrades = {
  'components.component_stored': {
    1: (data: unknown) => ({ ...(data as object), source: 'unknown' }),
    2: (data: unknown) => {
      const { size_bytes, ...rest } = data as { size_bytes: number };
      return { ...rest, bytes: size_bytes };
    },
  },
} as EventUpgrades;

describe('event data upgrades', () => {
  const v1 = { kind: 'environment', hash: 'a'.repeat(64), size_bytes: 12 };

  it('applies each step in order up to the latest version', () => {
    expect(upgradeEventData(upgrades, 'components.component_stored', 1, 3, v1)).toEqual({
      kind: 'environment',
      hash: 'a'.repeat(64),
      source: 'unknown',
      bytes: 12,
    });
    expect(
      upgradeEventData(upgrades, 'components.component_stored', 2, 3, { ...v1, source: 'x' }),
    ).toEqual({
      kind: 'environment',
      hash: 'a'.repeat(64),
      source: 'x',
      bytes: 12,
    });
  });

  it('leaves data at the latest version alone', () => {
    expect(upgradeEventData({}, 'components.component_stored', 1, 1, v1)).toBe(v1);
  });

  it('reports a missing step as undefined (the consumer dead-letters it)', () => {
    expect(upgradeEventData({}, 'components.component_stored', 1, 2, v1)).toBeUndefined();
  });
});
