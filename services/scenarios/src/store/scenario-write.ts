import type { Knex, NamedStatement, ServiceDb } from '@crucible/database';
import type { EventStatement, Outbox, OutboxRow } from '@crucible/messaging';
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
  /** Who asked (the authenticated principal, docs/security.md); null when nobody from outside did. */
  readonly actor: string | null;
  readonly note: string | null;
  readonly metadata: Record<string, unknown>;
  /** The id the derivation gets if it is new (`reserveDerivationId`). */
  readonly derivation_id: number;
}

/** The events of a write, each written only when what it reports is new. */
export interface WriteEvents {
  /** When the manifest is new. */
  readonly scenario: OutboxRow;
  /** When the derivation is new (it carries the reserved id). */
  readonly derivation: OutboxRow;
}

export interface WriteOutcome {
  readonly wasNewScenario: boolean;
  readonly derivationId: number;
  readonly wasNewDerivation: boolean;
}

/** The statements of a write, built once per store (each prepared once per connection). */
export interface WriteStatements {
  readonly reserveDerivationId: NamedStatement;
  readonly manifest: EventStatement;
  readonly existingDerivation: NamedStatement;
}

/** Values of the manifest statement before its events'. */
const MANIFEST_VALUES = 23;

/**
 * The write in one statement, its events with it, each prepared once per
 * connection (`ServiceDb.run`): knex built nine per write before, each
 * parsed and planned again by Postgres, and then it was BEGIN, the write,
 * the outbox rows, COMMIT (docs/services/scenarios.md, Performance). A
 * second statement only when the derivation existed, to read its id.
 */
export function writeStatements(db: ServiceDb, outbox: Outbox): WriteStatements {
  const t = (name: string): string => db.quotedTable(name);
  return {
    // The derivation's id is taken before the write, so its event can be
    // built (and checked against its schema) before the statement that
    // writes it: the insert took one from the same sequence every time,
    // new or not (ON CONFLICT DO NOTHING evaluates the default first), so
    // the ids are the ones it gave.
    reserveDerivationId: db.statement(
      'reserve_derivation_id',
      `select nextval(pg_get_serial_sequence($1, 'id'))::text as id`,
    ),
    // The manifest, and only when it is new its bindings and its component
    // uses (they select from its RETURNING); the profiles' compositions
    // either way; the derivation when no derivation of this child has these
    // parent edges, and then its edges. Foreign keys are checked at the end
    // of the statement, when the manifest row is there. The uses are what
    // component_uses_of makes of the hashes bound here (migration 0007: the
    // definition record_component_uses also goes by); $6 are the bound
    // profiles, $11 to $14 their parts. No edge from the scenario to itself
    // (a fork that changed nothing, or a parent listed that is the result;
    // it would make the scenario its own parent and child); the other edges
    // keep their index among the parents asked for, and parent_key keeps them
    // all, so a retry of the same fork finds this derivation (migration 0004
    // removed earlier self-edges). One statement, not a manifest's and a
    // derivation's: a round trip fewer per write. The events go with it,
    // each when its row is new (`new_rows`: 'scenario' when the manifest
    // is, 'derivation' when the derivation is).
    manifest: outbox.withEventsPerRow('write_manifest', {
      valueCount: MANIFEST_VALUES,
      rows: 'new_rows',
      select: 'select match from new_rows',
      ctes: `m as (
         insert into ${t('scenarios')} (hash, scenario_slug, description, chronon_seconds)
         values ($1, $2, $3, $4) on conflict (hash) do nothing returning hash, created_at),
       u as (
         insert into ${t('scenario_component_uses')} (kind, component_hash, created_at, scenario_hash)
         select x.kind, x.component_hash, m.created_at, m.hash
           from m, ${t('component_uses_of')}($6::text[], $11::text[], $12::text[], $13::text[],
                                           $14::text[], $8::text[], $9::text[]) as x
         on conflict do nothing),
       c as (
         insert into ${t('scenario_cognition_profiles')} (scenario_hash, profile_label, profile_hash)
         select m.hash, x.label, x.hash from m, unnest($5::text[], $6::text[]) as x(label, hash)),
       e as (
         insert into ${t('scenario_environments')} (scenario_hash, environment_label, environment_hash)
         select m.hash, x.label, x.hash from m, unnest($7::text[], $8::text[]) as x(label, hash)),
       n as (
         insert into ${t('scenario_entities')} (scenario_hash, entity_index, entity_hash)
         select m.hash, x.n - 1, x.hash from m, unnest($9::text[]) with ordinality as x(hash, n)),
       pp as (
         insert into ${t('profile_parts')} (profile_hash, perceive_system_hash, intend_system_hash,
           adjudicate_system_hash, adjudication_schema_hash, adjudication_retry_budget)
         select * from unnest($10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::int[])
         on conflict (profile_hash) do nothing),
       d as (
         insert into ${t('scenario_derivations')} (id, child_hash, operator, actor, note, metadata, parent_key)
         values ($23::bigint, $1::text, $16, $17, $18, $19::jsonb, $20)
         on conflict (child_hash, parent_key) do nothing returning id),
       p as (
         insert into ${t('scenario_derivation_parents')} (derivation_id, parent_hash, parent_index, role)
         select d.id, x.parent_hash, x.n - 1, x.role
           from d, unnest($21::text[], $22::text[]) with ordinality as x(parent_hash, role, n)
          where x.parent_hash <> $1::text),
       new_rows as (
         select 'scenario'::text as match from m union all select 'derivation'::text from d)`,
    }),
    // A statement of its own: it must see a concurrent write's derivation
    // that the insert above waited for (a new snapshot, in read committed).
    existingDerivation: db.statement(
      'existing_derivation',
      `select id from ${t('scenario_derivations')} where child_hash = $1 and parent_key = $2 limit 1`,
    ),
  };
}

/** A derivation id for `writeScenario`, from the derivations' own sequence. */
export async function reserveDerivationId(
  db: ServiceDb,
  statements: WriteStatements,
  trx?: Knex.Transaction,
): Promise<number> {
  const [row] = await db.run<{ id: string }>(
    statements.reserveDerivationId,
    [db.quotedTable('scenario_derivations')],
    trx,
  );
  if (row === undefined) throw new Error('nextval returned no row');
  return Number(row.id);
}

/**
 * Writes a scenario, its derivation and their events in one statement (in
 * `trx`, or committed on its own; the outbox wakes the relay after the
 * commit), store-or-reuse: the manifest and its bindings only when new, the
 * derivation (with the id reserved for it) only when no derivation of this
 * child has these parent edges, each event only with its new row. For
 * ScenarioStore.write.
 */
export async function writeScenario(
  db: ServiceDb,
  statements: WriteStatements,
  outbox: Outbox,
  input: ScenarioWrite,
  events: WriteEvents,
  trx?: Knex.Transaction,
): Promise<WriteOutcome> {
  const parentKey = input.parents.map((p) => `${p.parent_hash}:${p.role ?? ''}`).join('|');
  const parts = [...input.profile_parts];
  const written = await outbox.runPerRow<{ match: string }>(
    statements.manifest,
    [
      input.hash,
      input.scenario_slug,
      input.description,
      input.chronon_seconds,
      [...input.cognition_profiles.keys()],
      [...input.cognition_profiles.values()],
      [...input.environments.keys()],
      [...input.environments.values()],
      input.entity_hashes,
      parts.map(([hash]) => hash),
      parts.map(([, p]) => p.perceive_system_hash),
      parts.map(([, p]) => p.intend_system_hash),
      parts.map(([, p]) => p.adjudicate_system_hash),
      parts.map(([, p]) => p.adjudication_schema_hash),
      parts.map(([, p]) => p.adjudication_retry_budget),
      input.operator,
      input.actor,
      input.note,
      JSON.stringify(input.metadata),
      parentKey,
      input.parents.map((p) => p.parent_hash),
      input.parents.map((p) => p.role),
      input.derivation_id,
    ],
    [
      { match: 'scenario', row: events.scenario },
      { match: 'derivation', row: events.derivation },
    ],
    trx,
  );
  const made = new Set(written.map((row) => row.match));
  const wasNewScenario = made.has('scenario');
  const wasNewDerivation = made.has('derivation');
  if (wasNewDerivation)
    return { wasNewScenario, derivationId: input.derivation_id, wasNewDerivation };
  // The derivation was there (or a concurrent identical write's, which the
  // insert waited for): a statement of its own sees it.
  const [existing] = await db.run<{ id: string }>(
    statements.existingDerivation,
    [input.hash, parentKey],
    trx,
  );
  if (!existing) throw new Error('derivation vanished after its insert found it');
  return { wasNewScenario, derivationId: Number(existing.id), wasNewDerivation };
}
