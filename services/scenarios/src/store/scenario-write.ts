import type { Knex, ServiceDb } from '@crucible/database';
import type { Outbox, OutboxRow } from '@crucible/messaging';
import type { ProfileComposition } from '../domain/parent-scenario';

/** Everything one assembly or fork writes to the scenarios schema. */
export interface ScenarioWrite {
  readonly hash: string;
  readonly scenario_slug: string;
  readonly description: string;
  readonly chronon_seconds: number;
  readonly cognition_profiles: ReadonlyMap<string, string>;
  readonly environments: ReadonlyMap<string, string>;
  readonly entity_hashes: readonly string[];
  /** Compositions of the bound profiles (kept for filters on their parts). */
  readonly profile_parts: ReadonlyMap<string, ProfileComposition>;
  /** The parents asked for; an edge is recorded for each but the scenario itself. */
  readonly parents: ReadonlyArray<{ parent_hash: string; role: string | null }>;
  readonly operator: string | null;
  readonly note: string | null;
  readonly metadata: Record<string, unknown>;
}

export interface WriteOutcome {
  readonly wasNewScenario: boolean;
  readonly derivationId: number;
  readonly wasNewDerivation: boolean;
}

interface ManifestRow {
  hash: string;
  scenario_slug: string;
  description: string;
  chronon_seconds: number;
}

interface DerivationRecord {
  id: string;
  child_hash: string;
  operator: string | null;
  note: string | null;
  metadata: string;
  parent_key: string;
}

/**
 * Writes a scenario, its derivation and their events inside `trx` (opened by
 * the outbox, which wakes the relay after the commit), store-or-reuse: the
 * manifest and its bindings only when new, the derivation only when no
 * derivation of this child has these parent edges. `events` builds the
 * outbox rows from the outcome (no I/O). For ScenarioStore.write.
 */
export async function writeScenario(
  db: ServiceDb,
  outbox: Outbox,
  input: ScenarioWrite,
  events: (outcome: WriteOutcome) => OutboxRow[],
  trx: Knex.Transaction,
): Promise<WriteOutcome> {
  const parentKey = input.parents.map((p) => `${p.parent_hash}:${p.role ?? ''}`).join('|');
  const inserted = await db
    .table<ManifestRow>('scenarios', trx)
    .insert({
      hash: input.hash,
      scenario_slug: input.scenario_slug,
      description: input.description,
      chronon_seconds: input.chronon_seconds,
    })
    .onConflict('hash')
    .ignore()
    .returning('hash');
  const wasNewScenario = inserted.length > 0;
  if (wasNewScenario) await writeBindings(db, input, trx);
  if (input.profile_parts.size > 0) {
    await db
      .table('profile_parts', trx)
      .insert([...input.profile_parts].map(([profile_hash, parts]) => ({ profile_hash, ...parts })))
      .onConflict('profile_hash')
      .ignore();
  }
  // After the bindings and the profiles' compositions it reads (migration 0002).
  if (wasNewScenario) {
    await trx.raw('select ??(?::text[])', [db.qualified('record_component_uses'), [input.hash]]);
  }
  const created = await db
    .table<DerivationRecord>('scenario_derivations', trx)
    .insert({
      child_hash: input.hash,
      operator: input.operator,
      note: input.note,
      metadata: JSON.stringify(input.metadata),
      parent_key: parentKey,
    })
    .onConflict(['child_hash', 'parent_key'])
    .ignore()
    .returning('id');
  let derivationId: number;
  const wasNewDerivation = created.length > 0;
  if (created[0]) {
    derivationId = Number(created[0].id);
    // No edge from a scenario to itself (a fork that changed nothing, or a
    // parent listed that is the result): it would make the scenario its own
    // parent and child. The other edges keep their index among the parents
    // asked for, and parent_key above keeps them all, so a retry of the same
    // fork finds this derivation (migration 0003 removed earlier self-edges).
    const edges = input.parents
      .map((p, index) => ({
        derivation_id: derivationId,
        parent_hash: p.parent_hash,
        parent_index: index,
        role: p.role,
      }))
      .filter((edge) => edge.parent_hash !== input.hash);
    if (edges.length > 0) await db.table('scenario_derivation_parents', trx).insert(edges);
  } else {
    const existing = await db
      .table<DerivationRecord>('scenario_derivations', trx)
      .where({ child_hash: input.hash, parent_key: parentKey })
      .first<{ id: string } | undefined>('id');
    if (!existing) throw new Error('derivation vanished inside its transaction');
    derivationId = Number(existing.id);
  }
  const outcome = { wasNewScenario, derivationId, wasNewDerivation };
  await outbox.write(events(outcome), trx);
  return outcome;
}

async function writeBindings(
  db: ServiceDb,
  input: ScenarioWrite,
  trx: Knex.Transaction,
): Promise<void> {
  if (input.cognition_profiles.size > 0) {
    await db.table('scenario_cognition_profiles', trx).insert(
      [...input.cognition_profiles].map(([profile_label, profile_hash]) => ({
        scenario_hash: input.hash,
        profile_label,
        profile_hash,
      })),
    );
  }
  if (input.environments.size > 0) {
    await db.table('scenario_environments', trx).insert(
      [...input.environments].map(([environment_label, environment_hash]) => ({
        scenario_hash: input.hash,
        environment_label,
        environment_hash,
      })),
    );
  }
  await db.table('scenario_entities', trx).insert(
    input.entity_hashes.map((entity_hash, entity_index) => ({
      scenario_hash: input.hash,
      entity_index,
      entity_hash,
    })),
  );
}
