import type { WorldMeta, WorldSummary } from '@crucible/contracts';
import type { Scenario } from '@crucible/contracts';
import type { UsageTotals, WorldRow } from '../store/rows';

/** The default name of a world: "<scenario label> #<slug>". */
export function defaultWorldName(scenarioLabel: string, slug: string): string {
  return `${scenarioLabel} #${slug}`;
}

/** Where a fork came from: its parent's slug and the fork turn. */
export function forkOrigin(row: WorldRow): { world_slug: string; turn: number } | null {
  return row.parent_slug === null || row.fork_turn === null
    ? null
    : { world_slug: row.parent_slug, turn: row.fork_turn };
}

/** A world as the API shows it. */
export function worldMeta(row: WorldRow, usage: UsageTotals): WorldMeta {
  return {
    slug: row.slug,
    name: row.name,
    created_at: row.created_at.toISOString(),
    scenario_hash: row.scenario_hash,
    scenario_label: row.scenario_label,
    scenario_ref: { kind: row.scenario_ref_kind, value: row.scenario_ref_value },
    scenario_snapshot: row.scenario_snapshot as Scenario,
    mind: row.mind,
    engine: row.engine,
    turn: row.current_turn,
    forked_from: forkOrigin(row),
    usage,
  };
}

export function worldSummary(row: WorldRow): WorldSummary {
  return {
    slug: row.slug,
    name: row.name,
    created_at: row.created_at.toISOString(),
    scenario_hash: row.scenario_hash,
    scenario_label: row.scenario_label,
    engine: row.engine,
    turn: row.current_turn,
    forked_from: forkOrigin(row),
  };
}
