import type { Knex, ServiceDb } from '@crucible/database';
import { enqueueEvents, type OutboxRow } from '@crucible/messaging';
import type { ProfileComposition, StoredBindings } from '../domain/parent-scenario';

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

interface DerivationRecord {
  id: string;
  child_hash: string;
  operator: string | null;
  note: string | null;
  metadata: string;
  parent_key: string;
}

interface ManifestRow {
  hash: string;
  scenario_slug: string;
  description: string;
  chronon_seconds: number;
  created_at: Date;
}

/**
 * Data access of the scenarios schema. A manifest, its bindings, its
 * derivation and their events commit in one transaction; writes are
 * store-or-reuse, so retries and concurrent identical calls converge on one
 * manifest and one derivation.
 */
export class ScenarioStore {
  constructor(private readonly db: ServiceDb) {}

  /**
   * Writes a scenario and its derivation; `events` builds the outbox rows from
   * the outcome (inside the transaction, no I/O).
   */
  async write(
    input: ScenarioWrite,
    events: (outcome: WriteOutcome) => OutboxRow[],
  ): Promise<WriteOutcome> {
    const parentKey = input.parents.map((p) => `${p.parent_hash}:${p.role ?? ''}`).join('|');
    return this.db.transaction(async (trx) => {
      const inserted = await this.db
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
      if (wasNewScenario) await this.writeBindings(input, trx);
      if (input.profile_parts.size > 0) {
        await this.db
          .table('profile_parts', trx)
          .insert(
            [...input.profile_parts].map(([profile_hash, parts]) => ({ profile_hash, ...parts })),
          )
          .onConflict('profile_hash')
          .ignore();
      }
      // After the bindings and the profiles' compositions it reads (migration 0002).
      if (wasNewScenario) {
        await trx.raw('select ??(?::text[])', [
          this.db.qualified('record_component_uses'),
          [input.hash],
        ]);
      }
      const created = await this.db
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
        if (input.parents.length > 0) {
          await this.db.table('scenario_derivation_parents', trx).insert(
            input.parents.map((p, index) => ({
              derivation_id: derivationId,
              parent_hash: p.parent_hash,
              parent_index: index,
              role: p.role,
            })),
          );
        }
      } else {
        const existing = await this.db
          .table<DerivationRecord>('scenario_derivations', trx)
          .where({ child_hash: input.hash, parent_key: parentKey })
          .first<{ id: string } | undefined>('id');
        if (!existing) throw new Error('derivation vanished inside its transaction');
        derivationId = Number(existing.id);
      }
      const outcome = { wasNewScenario, derivationId, wasNewDerivation };
      await enqueueEvents(this.db, trx, events(outcome));
      return outcome;
    });
  }

  private async writeBindings(input: ScenarioWrite, trx: Knex.Transaction): Promise<void> {
    if (input.cognition_profiles.size > 0) {
      await this.db.table('scenario_cognition_profiles', trx).insert(
        [...input.cognition_profiles].map(([profile_label, profile_hash]) => ({
          scenario_hash: input.hash,
          profile_label,
          profile_hash,
        })),
      );
    }
    if (input.environments.size > 0) {
      await this.db.table('scenario_environments', trx).insert(
        [...input.environments].map(([environment_label, environment_hash]) => ({
          scenario_hash: input.hash,
          environment_label,
          environment_hash,
        })),
      );
    }
    await this.db.table('scenario_entities', trx).insert(
      input.entity_hashes.map((entity_hash, entity_index) => ({
        scenario_hash: input.hash,
        entity_index,
        entity_hash,
      })),
    );
  }

  /** The hashes among `hashes` that are stored scenarios. */
  async existing(hashes: readonly string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const found: string[] = await this.db
      .table<{ hash: string }>('scenarios')
      .whereIn('hash', [...new Set(hashes)])
      .pluck('hash');
    return new Set(found);
  }

  /** A stored scenario's scalars and bindings, or undefined. */
  async bindings(hash: string): Promise<(StoredBindings & { created_at: Date }) | undefined> {
    const manifest = await this.db
      .table<ManifestRow>('scenarios')
      .where({ hash })
      .first<ManifestRow | undefined>(
        'hash',
        'scenario_slug',
        'description',
        'chronon_seconds',
        'created_at',
      );
    if (!manifest) return undefined;
    const [profiles, environments, entities] = await Promise.all([
      this.db
        .table<{ scenario_hash: string; profile_label: string; profile_hash: string }>(
          'scenario_cognition_profiles',
        )
        .where({ scenario_hash: hash })
        .orderBy('profile_label')
        .select<Array<{ profile_label: string; profile_hash: string }>>(
          'profile_label',
          'profile_hash',
        ),
      this.db
        .table<{ scenario_hash: string; environment_label: string; environment_hash: string }>(
          'scenario_environments',
        )
        .where({ scenario_hash: hash })
        .orderBy('environment_label')
        .select<Array<{ environment_label: string; environment_hash: string }>>(
          'environment_label',
          'environment_hash',
        ),
      this.db
        .table<{ scenario_hash: string; entity_index: number; entity_hash: string }>(
          'scenario_entities',
        )
        .where({ scenario_hash: hash })
        .orderBy('entity_index')
        .select<Array<{ entity_hash: string }>>('entity_hash'),
    ]);
    return {
      ...manifest,
      cognition_profiles: new Map(profiles.map((r) => [r.profile_label, r.profile_hash])),
      environments: new Map(environments.map((r) => [r.environment_label, r.environment_hash])),
      entity_hashes: entities.map((r) => r.entity_hash),
    };
  }

  /** Compositions of profiles, as recorded when scenarios binding them were stored. */
  async profileParts(hashes: readonly string[]): Promise<Map<string, ProfileComposition>> {
    if (hashes.length === 0) return new Map();
    const rows = await this.db
      .table<ProfileComposition & { profile_hash: string }>('profile_parts')
      .whereIn('profile_hash', [...new Set(hashes)])
      .select<Array<ProfileComposition & { profile_hash: string }>>(
        'profile_hash',
        'perceive_system_hash',
        'intend_system_hash',
        'adjudicate_system_hash',
        'adjudication_schema_hash',
        'adjudication_retry_budget',
      );
    return new Map(rows.map(({ profile_hash, ...parts }) => [profile_hash, parts]));
  }

  /** Names pointing at a scenario (from the names projection), child count and whether it has parents. */
  async relations(
    hash: string,
  ): Promise<{ names: string[]; child_count: number; has_parents: boolean }> {
    const { knex } = this.db;
    const result = await knex.raw<{
      rows: Array<{ names: string[]; child_count: number; has_parents: boolean }>;
    }>(
      `select
         coalesce((select array_agg(n.name::text order by n.name) from ?? n where n.hash = ?), '{}'::text[]) as names,
         (select count(distinct d.child_hash)::int from ?? p join ?? d on d.id = p.derivation_id
           where p.parent_hash = ?) as child_count,
         exists (select 1 from ?? d join ?? p on p.derivation_id = d.id where d.child_hash = ?) as has_parents`,
      [
        this.db.qualified('names_projection'),
        hash,
        this.db.qualified('scenario_derivation_parents'),
        this.db.qualified('scenario_derivations'),
        hash,
        this.db.qualified('scenario_derivations'),
        this.db.qualified('scenario_derivation_parents'),
        hash,
      ],
    );
    const row = result.rows[0];
    if (!row) throw new Error('relations query returned no row');
    return row;
  }

  /** Applies a name move to the projection unless a later move of that name is already there. */
  async projectNameMove(
    move: { name: string; hash: string | null; history_id: number },
    trx?: Knex.Transaction,
  ): Promise<void> {
    await (trx ?? this.db.knex).raw(
      `insert into ?? as np (name, hash, history_id, updated_at) values (?, ?, ?, now())
       on conflict (name) do update set hash = excluded.hash, history_id = excluded.history_id, updated_at = now()
       where np.history_id < excluded.history_id`,
      [this.db.qualified('names_projection'), move.name, move.hash, move.history_id],
    );
  }

  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  get service(): ServiceDb {
    return this.db;
  }
}
