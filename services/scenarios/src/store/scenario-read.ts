import type { Knex, NamedStatement, ServiceDb } from '@crucible/database';
import { NAMES_LISTED } from '../domain/listed-names';
import type { ProfileComposition, StoredBindings } from '../domain/parent-scenario';

/** Everything get_scenario reads from this service's tables about one scenario. */
export interface ScenarioRead {
  readonly bindings: StoredBindings & { readonly created_at: Date };
  /** Composition of each bound profile, by profile hash. */
  readonly parts: ReadonlyMap<string, ProfileComposition>;
  readonly relations: { names: string[]; child_count: number; has_parents: boolean };
  /** Live worlds on it (the worlds projection, as WorldCounts.of counts them). */
  readonly worldCount: number;
}

interface ReadRow {
  hash: string;
  scenario_slug: string;
  description: string;
  chronon_seconds: number;
  created_at: Date;
  profiles: Array<[label: string, hash: string]>;
  environments: Array<[label: string, hash: string]>;
  entities: string[];
  parts: Array<[string, string, string, string, string, number]>;
  names: string[];
  child_count: number;
  has_parents: boolean;
  world_count: number;
}

/**
 * A scenario's manifest, bindings, profile compositions, relations and live
 * world count in one statement: five round trips one after another before
 * (measured: most of get_scenario's time beyond its SQL; docs/services/
 * scenarios.md, Performance). Prepared once per connection (`ServiceDb.run`):
 * Postgres plans its eight subqueries once, and knex builds nothing per call.
 * Each part keeps its order: bindings by label and index, names by name
 * (NAMES_LISTED + 1 at most, see domain/listed-names.ts).
 */
export function scenarioReadStatement(db: ServiceDb): NamedStatement {
  const t = (name: string): string => db.quotedTable(name);
  return db.statement(
    'read_scenario',
    `select s.hash, s.scenario_slug, s.description, s.chronon_seconds, s.created_at,
       coalesce((select json_agg(json_build_array(c.profile_label, c.profile_hash) order by c.profile_label)
                   from ${t('scenario_cognition_profiles')} c where c.scenario_hash = s.hash), '[]') as profiles,
       coalesce((select json_agg(json_build_array(e.environment_label, e.environment_hash) order by e.environment_label)
                   from ${t('scenario_environments')} e where e.scenario_hash = s.hash), '[]') as environments,
       coalesce((select json_agg(n.entity_hash order by n.entity_index)
                   from ${t('scenario_entities')} n where n.scenario_hash = s.hash), '[]') as entities,
       coalesce((select json_agg(json_build_array(pp.profile_hash, pp.perceive_system_hash,
                   pp.intend_system_hash, pp.adjudicate_system_hash, pp.adjudication_schema_hash,
                   pp.adjudication_retry_budget))
                   from ${t('profile_parts')} pp
                  where pp.profile_hash in (select c.profile_hash from ${t('scenario_cognition_profiles')} c
                                             where c.scenario_hash = s.hash)),
                '[]') as parts,
       coalesce((select array_agg(x.name order by x.name) from (
                   select m.name::text as name from ${t('names_projection')} m where m.hash = s.hash
                    order by m.name limit ${NAMES_LISTED + 1}) x), '{}'::text[]) as names,
       (select count(distinct d.child_hash)::int from ${t('scenario_derivation_parents')} p
          join ${t('scenario_derivations')} d on d.id = p.derivation_id
         where p.parent_hash = s.hash) as child_count,
       exists (select 1 from ${t('scenario_derivations')} d
                 join ${t('scenario_derivation_parents')} p on p.derivation_id = d.id
                where d.child_hash = s.hash) as has_parents,
       (select count(*)::int from ${t('world_projection')} w
         where w.scenario_hash = s.hash and not w.deleted) as world_count
     from ${t('scenarios')} s where s.hash = $1`,
  );
}

/** Runs `statement` (from `scenarioReadStatement`) for `hash`: undefined when it is not stored. */
export async function readScenario(
  db: ServiceDb,
  statement: NamedStatement,
  hash: string,
  trx?: Knex.Transaction,
): Promise<ScenarioRead | undefined> {
  const [row] = await db.run<ReadRow>(statement, [hash], trx);
  if (!row) return undefined;
  return {
    bindings: {
      hash: row.hash,
      scenario_slug: row.scenario_slug,
      description: row.description,
      chronon_seconds: row.chronon_seconds,
      created_at: row.created_at,
      cognition_profiles: new Map(row.profiles),
      environments: new Map(row.environments),
      entity_hashes: row.entities,
    },
    parts: new Map(
      row.parts.map(([profile, perceive, intend, adjudicate, schema, budget]) => [
        profile,
        {
          perceive_system_hash: perceive,
          intend_system_hash: intend,
          adjudicate_system_hash: adjudicate,
          adjudication_schema_hash: schema,
          adjudication_retry_budget: budget,
        },
      ]),
    ),
    relations: { names: row.names, child_count: row.child_count, has_parents: row.has_parents },
    worldCount: row.world_count,
  };
}
