import type { Knex, ServiceDb } from '@crucible/database';
import { NAMES_LISTED } from '../domain/listed-names';
import type { ProfileComposition, StoredBindings } from '../domain/parent-scenario';

/** Everything get_scenario reads from this service's tables about one scenario. */
export interface ScenarioRead {
  readonly bindings: StoredBindings & { readonly created_at: Date };
  /** Composition of each bound profile, by profile hash. */
  readonly parts: ReadonlyMap<string, ProfileComposition>;
  readonly relations: { names: string[]; child_count: number; has_parents: boolean };
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
}

/**
 * A scenario's manifest, bindings, profile compositions and relations in one
 * statement: what ScenarioStore.bindings, profileParts and relations read in
 * four round trips one after another (measured: most of get_scenario's time
 * beyond its SQL; docs/services/scenarios.md, Performance). Each part keeps
 * its order: bindings by label and index, names by name (NAMES_LISTED + 1 at
 * most, see domain/listed-names.ts).
 */
export async function readScenario(
  db: ServiceDb,
  hash: string,
  trx?: Knex.Transaction,
): Promise<ScenarioRead | undefined> {
  const t = (name: string): string => db.qualified(name);
  const result = await (trx ?? db.knex).raw<{ rows: ReadRow[] }>(
    `select s.hash, s.scenario_slug, s.description, s.chronon_seconds, s.created_at,
       coalesce((select json_agg(json_build_array(c.profile_label, c.profile_hash) order by c.profile_label)
                   from ?? c where c.scenario_hash = s.hash), '[]') as profiles,
       coalesce((select json_agg(json_build_array(e.environment_label, e.environment_hash) order by e.environment_label)
                   from ?? e where e.scenario_hash = s.hash), '[]') as environments,
       coalesce((select json_agg(n.entity_hash order by n.entity_index)
                   from ?? n where n.scenario_hash = s.hash), '[]') as entities,
       coalesce((select json_agg(json_build_array(pp.profile_hash, pp.perceive_system_hash,
                   pp.intend_system_hash, pp.adjudicate_system_hash, pp.adjudication_schema_hash,
                   pp.adjudication_retry_budget))
                   from ?? pp
                  where pp.profile_hash in (select c.profile_hash from ?? c where c.scenario_hash = s.hash)),
                '[]') as parts,
       coalesce((select array_agg(x.name order by x.name) from (
                   select m.name::text as name from ?? m where m.hash = s.hash
                    order by m.name limit ${NAMES_LISTED + 1}) x), '{}'::text[]) as names,
       (select count(distinct d.child_hash)::int from ?? p join ?? d on d.id = p.derivation_id
         where p.parent_hash = s.hash) as child_count,
       exists (select 1 from ?? d join ?? p on p.derivation_id = d.id where d.child_hash = s.hash) as has_parents
     from ?? s where s.hash = ?`,
    [
      t('scenario_cognition_profiles'),
      t('scenario_environments'),
      t('scenario_entities'),
      t('profile_parts'),
      t('scenario_cognition_profiles'),
      t('names_projection'),
      t('scenario_derivation_parents'),
      t('scenario_derivations'),
      t('scenario_derivations'),
      t('scenario_derivation_parents'),
      t('scenarios'),
      hash,
    ],
  );
  const row = result.rows[0];
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
  };
}
