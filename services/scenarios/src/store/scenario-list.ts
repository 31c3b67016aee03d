import type { Knex, ServiceDb } from '@crucible/database';
import type { ScenarioFilter } from '@crucible/contracts';

/** One row of list_scenarios. */
export interface SummaryRow {
  hash: string;
  scenario_slug: string;
  created_at: Date;
  /** created_at in Postgres text form, microseconds included: the keyset cursor. */
  cursor_at: string;
  names: string[];
  child_count: number;
  has_parents: boolean;
}

export interface ListQuery {
  filter: ScenarioFilter;
  limit: number;
  offset: number;
  /** Strictly after this (created_at, hash) position in newest-first order. */
  after?: { created_at: string; hash: string };
}

// The binding table and column each uses_<kind>_hash filter looks in.
const USES: ReadonlyArray<[keyof ScenarioFilter, string]> = [
  ['uses_cognition_profile_hash', 'b.profile_hash'],
  ['uses_perceive_system_hash', 'pp.perceive_system_hash'],
  ['uses_intend_system_hash', 'pp.intend_system_hash'],
  ['uses_adjudicate_system_hash', 'pp.adjudicate_system_hash'],
  ['uses_adjudication_schema_hash', 'pp.adjudication_schema_hash'],
];

/**
 * list_scenarios: newest first (created_at, then hash), every filter an
 * indexed predicate, names/child_count/has_parents computed per returned row
 * only. One statement.
 */
export async function listScenarios(db: ServiceDb, query: ListQuery): Promise<SummaryRow[]> {
  const t = (name: string) => db.qualified(name);
  const where: string[] = [];
  const bindings: Knex.RawBinding[] = [];
  const add = (predicate: string, ...values: Knex.RawBinding[]): void => {
    where.push(predicate);
    bindings.push(...values);
  };
  const f = query.filter;
  const hasParents = `exists (select 1 from ?? d join ?? p on p.derivation_id = d.id where d.child_hash = s.hash)`;
  const hasParentsBindings = [t('scenario_derivations'), t('scenario_derivation_parents')];
  if (f.created_after !== undefined) add('s.created_at > ?', f.created_after);
  if (f.created_before !== undefined) add('s.created_at < ?', f.created_before);
  if (f.scenario_slug !== undefined) add('s.scenario_slug = ?', f.scenario_slug);
  if (f.has_name !== undefined) {
    add(
      `${f.has_name ? '' : 'not '}exists (select 1 from ?? n where n.hash = s.hash)`,
      t('names_projection'),
    );
  }
  if (f.has_parents !== undefined)
    add(`${f.has_parents ? '' : 'not '}${hasParents}`, ...hasParentsBindings);
  if (f.uses_environment_hash !== undefined) {
    add(
      'exists (select 1 from ?? b where b.scenario_hash = s.hash and b.environment_hash = ?)',
      t('scenario_environments'),
      f.uses_environment_hash,
    );
  }
  if (f.uses_entity_hash !== undefined) {
    add(
      'exists (select 1 from ?? b where b.scenario_hash = s.hash and b.entity_hash = ?)',
      t('scenario_entities'),
      f.uses_entity_hash,
    );
  }
  for (const [key, column] of USES) {
    const value = f[key];
    if (value === undefined) continue;
    if (key === 'uses_cognition_profile_hash') {
      add(
        `exists (select 1 from ?? b where b.scenario_hash = s.hash and ${column} = ?)`,
        t('scenario_cognition_profiles'),
        value,
      );
    } else {
      add(
        `exists (select 1 from ?? b join ?? pp on pp.profile_hash = b.profile_hash
                 where b.scenario_hash = s.hash and ${column} = ?)`,
        t('scenario_cognition_profiles'),
        t('profile_parts'),
        value,
      );
    }
  }
  if (query.after)
    add('(s.created_at, s.hash) < (?::timestamptz, ?)', query.after.created_at, query.after.hash);
  const sql = `
    select s.hash, s.scenario_slug, s.created_at, s.created_at::text as cursor_at,
      coalesce((select array_agg(n.name::text order by n.name) from ?? n where n.hash = s.hash), '{}'::text[]) as names,
      (select count(distinct d.child_hash)::int from ?? p join ?? d on d.id = p.derivation_id
        where p.parent_hash = s.hash) as child_count,
      -- Not exists(): in the select list Postgres turns that into a hashed
      -- subplan that reads every derivation on each call (measured: grows
      -- with the store); limit 1 keeps it one index probe per returned row.
      coalesce((select true from ?? d join ?? p on p.derivation_id = d.id
                where d.child_hash = s.hash limit 1), false) as has_parents
    from ?? s
    ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
    order by s.created_at desc, s.hash desc
    limit ? offset ?`;
  const result = await db.knex.raw<{ rows: SummaryRow[] }>(sql, [
    t('names_projection'),
    t('scenario_derivation_parents'),
    t('scenario_derivations'),
    ...hasParentsBindings,
    t('scenarios'),
    ...bindings,
    query.limit,
    query.offset,
  ]);
  return result.rows;
}
