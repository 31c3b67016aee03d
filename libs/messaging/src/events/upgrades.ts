import type { EventType } from '@crucible/contracts';

/** Upgrade functions per event type: `from` version -> data of version `from + 1`. */
export type EventUpgrades = Partial<Record<EventType, Record<number, (data: unknown) => unknown>>>;

/**
 * Brings event data from `version` up to `latest` one step at a time
 * (docs/messaging.md, "Consumers": schemas version like code). Returns undefined when a step is missing.
 */
export function upgradeEventData(
  upgrades: EventUpgrades,
  type: EventType,
  version: number,
  latest: number,
  data: unknown,
): unknown {
  let current = data;
  for (let v = version; v < latest; v++) {
    const step = upgrades[type]?.[v];
    if (!step) return undefined;
    current = step(current);
  }
  return current;
}
