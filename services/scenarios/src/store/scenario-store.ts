import type { Knex, ServiceDb } from '@crucible/database';
import type { Outbox, OutboxRow } from '@crucible/messaging';
import type { ProfileComposition, StoredBindings } from '../domain/parent-scenario';
import { readDerivation, type DerivationRow } from './derivations';
import { readLineage, type Lineage } from './lineage';
import { NAMES_LISTED } from '../domain/listed-names';
import { readScenarioList, type ListQuery, type SummaryRow } from './scenario-list';
import { writeScenario, type ScenarioWrite, type WriteOutcome } from './scenario-write';

export type { ScenarioWrite, WriteOutcome } from './scenario-write';

interface ManifestRow {
  hash: string;
  scenario_slug: string;
  description: string;
  chronon_seconds: number;
  created_at: Date;
}

/**
 * Data access of the scenarios schema, the handlers' only way to it; every
 * method takes its optional transaction last. A manifest, its bindings, its
 * derivation and their events commit in one transaction; writes are
 * store-or-reuse, so retries and concurrent identical calls converge on one
 * manifest and one derivation.
 */
export class ScenarioStore {
  constructor(
    private readonly db: ServiceDb,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Writes a scenario and its derivation, in `trx` or in a transaction of
   * its own; `events` builds the outbox rows from the outcome (no I/O).
   */
  write(
    input: ScenarioWrite,
    events: (outcome: WriteOutcome) => OutboxRow[],
    trx?: Knex.Transaction,
  ): Promise<WriteOutcome> {
    const write = (t: Knex.Transaction) => writeScenario(this.db, this.outbox, input, events, t);
    return trx ? write(trx) : this.outbox.transaction(write);
  }

  /** The hashes among `hashes` that are stored scenarios. */
  async existing(hashes: readonly string[], trx?: Knex.Transaction): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const found: string[] = await this.db
      .table<{ hash: string }>('scenarios', trx)
      .whereIn('hash', [...new Set(hashes)])
      .pluck('hash');
    return new Set(found);
  }

  /** A stored scenario's scalars and bindings, or undefined. */
  async bindings(
    hash: string,
    trx?: Knex.Transaction,
  ): Promise<(StoredBindings & { created_at: Date }) | undefined> {
    const manifest = await this.db
      .table<ManifestRow>('scenarios', trx)
      .where({ hash })
      .first<ManifestRow | undefined>(
        'hash',
        'scenario_slug',
        'description',
        'chronon_seconds',
        'created_at',
      );
    if (!manifest) return undefined;
    // Side by side on the pool; one after another on a transaction's one connection.
    const [profiles, environments, entities] = await readAll(trx, [
      () =>
        this.db
          .table<{ scenario_hash: string; profile_label: string; profile_hash: string }>(
            'scenario_cognition_profiles',
            trx,
          )
          .where({ scenario_hash: hash })
          .orderBy('profile_label')
          .select<Array<{ profile_label: string; profile_hash: string }>>(
            'profile_label',
            'profile_hash',
          ),
      () =>
        this.db
          .table<{ scenario_hash: string; environment_label: string; environment_hash: string }>(
            'scenario_environments',
            trx,
          )
          .where({ scenario_hash: hash })
          .orderBy('environment_label')
          .select<Array<{ environment_label: string; environment_hash: string }>>(
            'environment_label',
            'environment_hash',
          ),
      () =>
        this.db
          .table<{ scenario_hash: string; entity_index: number; entity_hash: string }>(
            'scenario_entities',
            trx,
          )
          .where({ scenario_hash: hash })
          .orderBy('entity_index')
          .select<Array<{ entity_hash: string }>>('entity_hash'),
    ] as const);
    return {
      ...manifest,
      cognition_profiles: new Map(profiles.map((r) => [r.profile_label, r.profile_hash])),
      environments: new Map(environments.map((r) => [r.environment_label, r.environment_hash])),
      entity_hashes: entities.map((r) => r.entity_hash),
    };
  }

  /** Compositions of profiles, as recorded when scenarios binding them were stored. */
  async profileParts(
    hashes: readonly string[],
    trx?: Knex.Transaction,
  ): Promise<Map<string, ProfileComposition>> {
    if (hashes.length === 0) return new Map();
    const rows = await this.db
      .table<ProfileComposition & { profile_hash: string }>('profile_parts', trx)
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

  /**
   * Names pointing at a scenario (from the names projection; NAMES_LISTED + 1
   * at most, see domain/listed-names.ts), child count and whether it has parents.
   */
  async relations(
    hash: string,
    trx?: Knex.Transaction,
  ): Promise<{ names: string[]; child_count: number; has_parents: boolean }> {
    const result = await (trx ?? this.db.knex).raw<{
      rows: Array<{ names: string[]; child_count: number; has_parents: boolean }>;
    }>(
      `select
         coalesce((select array_agg(x.name order by x.name) from (
            select n.name::text from ?? n where n.hash = ? order by n.name limit ${NAMES_LISTED + 1}) x),
            '{}'::text[]) as names,
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

  /** list_scenarios' page (see scenario-list.ts). */
  list(query: ListQuery, trx?: Knex.Transaction): Promise<SummaryRow[]> {
    return readScenarioList(this.db, query, trx);
  }

  /** Ancestors and descendants of a scenario, or undefined when it does not exist (see lineage.ts). */
  lineage(hash: string, maxDepth: number, trx?: Knex.Transaction): Promise<Lineage | undefined> {
    return readLineage(this.db, hash, maxDepth, trx);
  }

  /** A derivation with its parent edges, or undefined. */
  derivation(id: number, trx?: Knex.Transaction): Promise<DerivationRow | undefined> {
    return readDerivation(this.db, id, trx);
  }

  /** One transaction for several writes; the relay is woken after it commits if it wrote events. */
  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.outbox.transaction(fn);
  }
}

/** Runs reads side by side on the pool, or one after another on a transaction's connection. */
async function readAll<T extends readonly unknown[]>(
  trx: Knex.Transaction | undefined,
  reads: { readonly [K in keyof T]: () => Promise<T[K]> },
): Promise<T> {
  const run = reads as readonly (() => Promise<unknown>)[];
  if (!trx) return (await Promise.all(run.map((read) => read()))) as unknown as T;
  const results: unknown[] = [];
  for (const read of run) results.push(await read());
  return results as unknown as T;
}
