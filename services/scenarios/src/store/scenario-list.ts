import type { Knex, ServiceDb } from '@crucible/database';
import type { ScenarioFilter } from '@crucible/contracts';
import { NAMES_LISTED } from '../domain/listed-names';

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

// Each uses_<kind>_hash filter and the kind it names in scenario_component_uses.
const USES: ReadonlyArray<[keyof ScenarioFilter, string]> = [
  ['uses_entity_hash', 'entity'],
  ['uses_environment_hash', 'environment'],
  ['uses_cognition_profile_hash', 'cognition_profile'],
  ['uses_adjudicate_system_hash', 'adjudicate_system'],
  ['uses_perceive_system_hash', 'perceive_system'],
  ['uses_intend_system_hash', 'intend_system'],
  ['uses_adjudication_schema_hash', 'adjudication_schema'],
];

/**
 * list_scenarios: newest first (created_at, then hash), every filter an
 * indexed predicate, names/child_count/has_parents computed per returned row
 * only. One statement.
 *
 * With a uses_<kind>_hash filter, the page is read from that component's
 * rows of scenario_component_uses, already in list order (the first filter
 * of USES drives: entities, then environments, are the likeliest to be
 * rare), so it stops after `limit` matches however large the store; other
 * uses filters are one primary-key probe per candidate. Without one, the
 * scenarios' (created_at, hash) index drives. For ScenarioStore.list.
 */
export async function readScenarioList(
  db: ServiceDb,
  query: ListQuery,
  trx?: Knex.Transaction,
): Promise<SummaryRow[]> {
  const t = (name: string) => db.qualified(name);
  const where: string[] = [];
  const bindings: Knex.RawBinding[] = [];
  const add = (predicate: string, ...values: Knex.RawBinding[]): void => {
    where.push(predicate);
    bindings.push(...values);
  };
  const f = query.filter;
  const uses = USES.flatMap(([key, kind]) => {
    const hash = f[key];
    return hash === undefined ? [] : [{ kind, hash }];
  });
  const driver = uses[0];
  // The order (and range) columns: the driving uses row's copy when there is one.
  const [at, hash] = driver ? ['u.created_at', 'u.scenario_hash'] : ['s.created_at', 's.hash'];
  const from = driver
    ? {
        sql: '?? u join ?? s on s.hash = u.scenario_hash',
        tables: [t('scenario_component_uses'), t('scenarios')],
      }
    : { sql: '?? s', tables: [t('scenarios')] };
  if (driver) add('u.kind = ? and u.component_hash = ?', driver.kind, driver.hash);
  for (const use of uses.slice(1)) {
    add(
      `exists (select 1 from ?? x where x.kind = ? and x.component_hash = ?
               and x.created_at = s.created_at and x.scenario_hash = s.hash)`,
      t('scenario_component_uses'),
      use.kind,
      use.hash,
    );
  }
  const hasParents = `exists (select 1 from ?? d join ?? p on p.derivation_id = d.id where d.child_hash = s.hash)`;
  const hasParentsBindings = [t('scenario_derivations'), t('scenario_derivation_parents')];
  if (f.created_after !== undefined) add(`${at} > ?`, f.created_after);
  if (f.created_before !== undefined) add(`${at} < ?`, f.created_before);
  if (f.scenario_slug !== undefined) add('s.scenario_slug = ?', f.scenario_slug);
  if (f.has_name !== undefined) {
    add(
      `${f.has_name ? '' : 'not '}exists (select 1 from ?? n where n.hash = s.hash)`,
      t('names_projection'),
    );
  }
  if (f.has_parents !== undefined)
    add(`${f.has_parents ? '' : 'not '}${hasParents}`, ...hasParentsBindings);
  if (query.after)
    add(`(${at}, ${hash}) < (?::timestamptz, ?)`, query.after.created_at, query.after.hash);
  const sql = `
    select s.hash, s.scenario_slug, s.created_at, s.created_at::text as cursor_at,
      -- One name more than a summary lists (domain/listed-names.ts): tells that names were cut.
      coalesce((select array_agg(x.name order by x.name) from (
         select n.name::text from ?? n where n.hash = s.hash order by n.name limit ${NAMES_LISTED + 1}) x),
         '{}'::text[]) as names,
      (select count(distinct d.child_hash)::int from ?? p join ?? d on d.id = p.derivation_id
        where p.parent_hash = s.hash) as child_count,
      -- Not exists(): in the select list Postgres turns that into a hashed
      -- subplan that reads every derivation on each call (measured: grows
      -- with the store); limit 1 keeps it one index probe per returned row.
      coalesce((select true from ?? d join ?? p on p.derivation_id = d.id
                where d.child_hash = s.hash limit 1), false) as has_parents
    from ${from.sql}
    ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
    order by ${at} desc, ${hash} desc
    limit ? offset ?`;
  const result = await (trx ?? db.knex).raw<{ rows: SummaryRow[] }>(sql, [
    t('names_projection'),
    t('scenario_derivation_parents'),
    t('scenario_derivations'),
    ...hasParentsBindings,
    ...from.tables,
    ...bindings,
    query.limit,
    query.offset,
  ]);
  return result.rows;
}
