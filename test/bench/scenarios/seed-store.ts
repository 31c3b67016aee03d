// Bulk seeding of the scenarios schema with SQL (the API would take far too
// long for 100,000 scenarios). Shaped like real data: a few profiles,
// environments and entities shared by many scenarios, most entities unique,
// ~10% forks (parent among the 1,000 before), ~5% named, created_at one
// second apart. The components these hashes name are not stored: list and
// lineage never ask the components service. Every draw is a hash of the row
// number, so a batch seeded later has the same mix as the first.
import { createHash } from 'node:crypto';
import { scenarioManifestHash } from '@crucible/hashing';
import type { Client } from 'pg';

/** SHA-256 hex of a UTF-8 string: what the SQL below computes with sha256(convert_to(...)). */
export function seedHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Filter values that the seeded data makes common or rare. */
export const SEEDED = {
  /** Bound as room_a by a quarter of the bulk scenarios. */
  commonEnvironmentHash: seedHash('env-common:0'),
  /** Entity 1 of one bulk scenario in a hundred. */
  onePercentEntityHash: seedHash('entity-b:7'),
} as const;

// Each statement with the names of its parameters ($1, $2, ... in order):
// from (first row number), to (end, exclusive), base (created_at of row 0).
// r[k] are independent draws per row (hashint4 of row and salt), so the
// attributes are not correlated: a fork is as likely as any row to bind the
// common environment.
const BULK_SQL: ReadonlyArray<{ sql: string; params: readonly string[] }> = [
  {
    sql: `insert into scenarios.profile_parts
     select encode(sha256(convert_to('profile:' || p, 'UTF8')), 'hex'),
            encode(sha256(convert_to('perceive:' || (p % 5), 'UTF8')), 'hex'),
            encode(sha256(convert_to('intend:' || (p % 5), 'UTF8')), 'hex'),
            encode(sha256(convert_to('adjudicate:' || p, 'UTF8')), 'hex'),
            encode(sha256(convert_to('schema:' || (p % 3), 'UTF8')), 'hex'), 2
       from generate_series(0, 19) p
     on conflict do nothing`,
    params: [],
  },
  {
    sql: `create temp table bench_batch on commit drop as
     select i, encode(sha256(convert_to('scenario:' || i, 'UTF8')), 'hex') as hash,
            array(select abs(hashint4(i * 16 + salt)::bigint) from generate_series(0, 15) salt) as r
       from generate_series($1::int, $2::int - 1) i`,
    params: ['from', 'to'],
  },
  {
    sql: `insert into scenarios.scenarios (hash, scenario_slug, description, chronon_seconds, created_at)
     select hash, 'bench_slug_' || (r[5] % 40),
            'Bench scenario ' || i || ': a few rooms, two agents and a problem to solve.',
            60 * (1 + r[14] % 720), $1::timestamptz + i * interval '1 second'
       from bench_batch`,
    params: ['base'],
  },
  {
    sql: `insert into scenarios.scenario_cognition_profiles (scenario_hash, profile_label, profile_hash)
     select hash, 'subject', encode(sha256(convert_to('profile:' || (r[6] % 20), 'UTF8')), 'hex') from bench_batch
     union all
     select hash, 'guard', encode(sha256(convert_to('profile:' || (r[8] % 20), 'UTF8')), 'hex')
       from bench_batch where r[7] % 3 = 0`,
    params: [],
  },
  {
    sql: `insert into scenarios.scenario_environments (scenario_hash, environment_label, environment_hash)
     select hash, 'room_a', encode(sha256(convert_to('env-common:' || (r[9] % 4), 'UTF8')), 'hex') from bench_batch
     union all
     select hash, 'room_b', encode(sha256(convert_to('env:' || (r[10] % 2000), 'UTF8')), 'hex') from bench_batch`,
    params: [],
  },
  {
    sql: `insert into scenarios.scenario_entities (scenario_hash, entity_index, entity_hash)
     select hash, k, encode(sha256(convert_to(case k
              when 0 then 'entity-a:' || (r[11] % 10)
              when 1 then 'entity-b:' || (r[12] % 100)
              when 2 then 'entity-c:' || (r[13] % 1000)
              else 'entity-u:' || i || ':' || k end, 'UTF8')), 'hex')
       from bench_batch, generate_series(0, 5) k`,
    params: [],
  },
  {
    // The list filters' index (migration 0002), by the service's own definition.
    sql: `select scenarios.record_component_uses(array(select hash from bench_batch))`,
    params: [],
  },
  {
    sql: `with d as (
     insert into scenarios.scenario_derivations (child_hash, operator, note, metadata, parent_key)
     select hash, 'bench', null,
            case when r[2] % 10 = 0 and i >= 10
              then '{"touched_components":[{"kind":"adjudicate_system","label":"subject"}]}'::jsonb
              else '{}'::jsonb end,
            case when r[2] % 10 = 0 and i >= 10
              then encode(sha256(convert_to('scenario:' || (i - 1 - r[3] % least(i, 1000)), 'UTF8')), 'hex') || ':primary'
              else '' end
       from bench_batch
     returning id, parent_key)
   insert into scenarios.scenario_derivation_parents (derivation_id, parent_hash, parent_index, role)
     select id, left(parent_key, 64), 0, 'primary' from d where parent_key <> ''`,
    params: [],
  },
  {
    sql: `insert into scenarios.names_projection (name, hash, history_id)
     select 'bench_name_' || i, hash, i from bench_batch where r[4] % 20 = 0`,
    params: [],
  },
];

/**
 * Seeds bulk scenarios numbered [from, to) in one transaction: manifests,
 * bindings, profile compositions, derivations (with parent edges for the
 * forks) and names. Row i is created at `base` + i seconds.
 */
export async function seedBulk(pg: Client, from: number, to: number, base: Date): Promise<void> {
  const values: Record<string, unknown> = { from, to, base: base.toISOString() };
  await inTransaction(pg, async () => {
    for (const { sql, params } of BULK_SQL) {
      await pg.query(
        sql,
        params.map((name) => values[name]),
      );
    }
  });
}

/** The scenario a chain starts from: assembled through the API, so its components exist. */
export interface ChainRoot {
  hash: string;
  scenario_slug: string;
  description: string;
  chronon_seconds: number;
  cognition_profile_hashes: Record<string, string>;
  environment_hashes: Record<string, string>;
  entity_hashes: string[];
}

/**
 * Seeds a chain of `depth` forks below `root`: fork k changes only the
 * description, binds the root's components, has the real manifest hash of
 * its content and one primary parent edge to fork k-1 (k = 1 is the root's
 * child). Fork k is created at `base` + k * `stepMs`. Returns the hashes,
 * root first, tip last.
 */
export async function seedChain(
  pg: Client,
  root: ChainRoot,
  depth: number,
  base: Date,
  stepMs: number,
): Promise<string[]> {
  const hashes = [root.hash];
  const rows: Array<{ hash: string; description: string; created_at: string; parent: string }> = [];
  for (let k = 1; k <= depth; k++) {
    const description = `${root.description} Step ${k} of the chain.`;
    const hash = scenarioManifestHash({
      scenario_slug: root.scenario_slug,
      description,
      chronon_seconds: root.chronon_seconds,
      cognition_profiles: root.cognition_profile_hashes,
      environments: root.environment_hashes,
      entity_hashes: root.entity_hashes,
    });
    rows.push({
      hash,
      description,
      created_at: new Date(base.getTime() + k * stepMs).toISOString(),
      parent: hashes[k - 1]!,
    });
    hashes.push(hash);
  }
  const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
  const profiles = Object.entries(root.cognition_profile_hashes);
  const environments = Object.entries(root.environment_hashes);
  await inTransaction(pg, async () => {
    await pg.query(
      `insert into scenarios.scenarios (hash, scenario_slug, description, chronon_seconds, created_at)
         select h, $4, d, $5, c from unnest($1::text[], $2::text[], $3::timestamptz[]) as x(h, d, c)`,
      [
        column('hash'),
        column('description'),
        column('created_at'),
        root.scenario_slug,
        root.chronon_seconds,
      ],
    );
    await pg.query(
      `insert into scenarios.scenario_cognition_profiles (scenario_hash, profile_label, profile_hash)
         select h, l, p from unnest($1::text[]) as h, unnest($2::text[], $3::text[]) as b(l, p)`,
      [column('hash'), profiles.map(([label]) => label), profiles.map(([, hash]) => hash)],
    );
    await pg.query(
      `insert into scenarios.scenario_environments (scenario_hash, environment_label, environment_hash)
         select h, l, e from unnest($1::text[]) as h, unnest($2::text[], $3::text[]) as b(l, e)`,
      [column('hash'), environments.map(([label]) => label), environments.map(([, hash]) => hash)],
    );
    await pg.query(
      `insert into scenarios.scenario_entities (scenario_hash, entity_index, entity_hash)
         select h, b.i - 1, b.e from unnest($1::text[]) as h, unnest($2::text[]) with ordinality as b(e, i)`,
      [column('hash'), root.entity_hashes],
    );
    await pg.query('select scenarios.record_component_uses($1::text[])', [column('hash')]);
    await pg.query(
      `with d as (
         insert into scenarios.scenario_derivations (child_hash, operator, note, metadata, parent_key)
         select h, 'bench', null,
                jsonb_build_object('touched_components', jsonb_build_array(
                  jsonb_build_object('kind', 'description', 'from', 'the parent''s', 'to', d))),
                p || ':primary'
           from unnest($1::text[], $2::text[], $3::text[]) as x(h, d, p)
         returning id, parent_key)
       insert into scenarios.scenario_derivation_parents (derivation_id, parent_hash, parent_index, role)
         select id, left(parent_key, 64), 0, 'primary' from d`,
      [column('hash'), column('description'), column('parent')],
    );
  });
  return hashes;
}

/** VACUUM and ANALYZE the scenarios schema, as autovacuum would have done on a store this size. */
export async function vacuumAnalyze(pg: Client): Promise<void> {
  await pg.query(
    `vacuum (analyze) scenarios.scenarios, scenarios.scenario_cognition_profiles,
       scenarios.scenario_environments, scenarios.scenario_entities, scenarios.profile_parts, scenarios.scenario_component_uses,
       scenarios.scenario_derivations, scenarios.scenario_derivation_parents, scenarios.names_projection`,
  );
}

export async function countScenarios(pg: Client): Promise<number> {
  const result = await pg.query<{ n: string }>('select count(*) as n from scenarios.scenarios');
  return Number(result.rows[0]?.n ?? 0);
}

async function inTransaction(pg: Client, work: () => Promise<void>): Promise<void> {
  await pg.query('begin');
  try {
    await work();
    await pg.query('commit');
  } catch (error) {
    await pg.query('rollback').catch(() => undefined);
    throw error;
  }
}
