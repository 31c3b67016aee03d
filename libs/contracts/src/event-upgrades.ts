import type { EventType } from './catalog';

/** Upgrade steps of event data: `from` version -> the data of version `from + 1`. */
export type EventDataUpgrades = Partial<
  Record<EventType, Record<number, (data: unknown) => unknown>>
>;

/**
 * The upgrade of every event version that has a successor, kept beside the
 * schemas (docs/architecture.md, "Contracts"): consumers read every older
 * version through these. `actor` came in with docs/security.md: events
 * written before it name nobody.
 */
export const EVENT_UPGRADES: EventDataUpgrades = {
  'components.component_stored': { 1: (data) => ({ ...(data as object), actor: null }) },
  'names.name_moved': { 1: (data) => ({ ...(data as object), actor: null }) },
  'scenarios.derivation_recorded': { 1: (data) => ({ ...(data as object), actor: null }) },
  'scenarios.scenario_stored': { 1: (data) => ({ ...(data as object), actor: null }) },
  'governance.decision_recorded': { 1: (data) => ({ ...(data as object), actor: null }) },
  'governance.directive_escalated': { 1: (data) => ({ ...(data as object), actor: null }) },
  'evaluation.record_created': { 1: (data) => ({ ...(data as object), actor: null }) },
  'evaluation.record_updated': { 1: (data) => ({ ...(data as object), actor: null }) },
  // Version 3 only adds the stage_moved change: version 2 data is valid as it is.
  'evaluation.model_registry_changed': {
    1: (data) => ({ ...(data as object), actor: null }),
    2: (data) => data,
  },
  'evaluation.result_stored': { 1: (data) => ({ ...(data as object), actor: null }) },
  'worlds.world_created': { 1: (data) => ({ ...(data as object), actor: null }) },
  'worlds.world_deleted': { 1: (data) => ({ ...(data as object), actor: null }) },
  'worlds.turn_committed': { 1: (data) => ({ ...(data as object), actor: null }) },
  'worlds.turn_failed': { 1: (data) => ({ ...(data as object), actor: null }) },
};
