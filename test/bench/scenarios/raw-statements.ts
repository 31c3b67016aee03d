// The baselines of the write and get operations: the main statements of
// ScenarioStore.write and ScenarioStore.bindings (services/scenarios/src/
// store/scenario-store.ts), written out by hand and run raw with `pg`. A
// write that stores new components adds the components service's statements
// for them beside these (components-replay.ts, write-cases.ts). Not
// included, and so part of "ours": request and reply checks, the components
// service's validation and hashing, the scenarios outbox row and the relays
// to Kafka, the profile compositions and relations lookups, the NATS hops.
// The write is the plain form of the store's SQL, one statement a table in a
// transaction; the store now sends all of it as one statement (and takes
// the derivation's id while the components service works), so the floor
// holds more round trips than the service makes: it is what the rows cost
// written directly, not the fewest round trips that can write them.
import { randomBytes } from 'node:crypto';
import type { Client } from 'pg';

/** One manifest with everything ScenarioStore.write puts beside it. */
export interface ManifestRows {
  hash: string;
  scenario_slug: string;
  description: string;
  chronon_seconds: number;
  profiles: ReadonlyArray<readonly [label: string, hash: string]>;
  environments: ReadonlyArray<readonly [label: string, hash: string]>;
  entities: readonly string[];
  /** profile hash, the four part hashes, the retry budget. */
  profileParts: ReadonlyArray<readonly [string, string, string, string, string, number]>;
  /** Primary parent of a fork; none for an assembly. */
  parent?: string;
}

export function randomHash(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The shape of the bench's inline assembly (one profile, two environments,
 * six entities) with hashes never seen before; a fork of `parent` when given.
 */
export function newManifestRows(parent?: string): ManifestRows {
  const profile = randomHash();
  return {
    hash: randomHash(),
    scenario_slug: 'night_observatory',
    description: `Baseline scenario ${randomHash().slice(0, 12)}.`,
    chronon_seconds: 600,
    profiles: [['keeper', profile]],
    environments: [
      ['dome', randomHash()],
      ['stairwell', randomHash()],
    ],
    entities: Array.from({ length: 6 }, () => randomHash()),
    profileParts: [[profile, randomHash(), randomHash(), randomHash(), randomHash(), 2]],
    ...(parent === undefined ? {} : { parent }),
  };
}

/**
 * ScenarioStore.write's statements in one transaction, without the outbox:
 * the manifest (on conflict do nothing), its bindings when new, the profile
 * compositions, the derivation (deduplicated on child and parent key, else
 * looked up) and its parent edge. Returns the derivation id.
 */
export async function rawWrite(pg: Client, rows: ManifestRows): Promise<number> {
  const parentKey = rows.parent === undefined ? '' : `${rows.parent}:primary`;
  await pg.query('begin');
  try {
    const inserted = await pg.query(
      `insert into scenarios.scenarios (hash, scenario_slug, description, chronon_seconds)
       values ($1, $2, $3, $4) on conflict (hash) do nothing returning hash`,
      [rows.hash, rows.scenario_slug, rows.description, rows.chronon_seconds],
    );
    if (inserted.rowCount === 1) {
      await insertRows(
        pg,
        'scenarios.scenario_cognition_profiles (scenario_hash, profile_label, profile_hash)',
        rows.profiles.map(([label, hash]) => [rows.hash, label, hash]),
      );
      await insertRows(
        pg,
        'scenarios.scenario_environments (scenario_hash, environment_label, environment_hash)',
        rows.environments.map(([label, hash]) => [rows.hash, label, hash]),
      );
      await insertRows(
        pg,
        'scenarios.scenario_entities (scenario_hash, entity_index, entity_hash)',
        rows.entities.map((hash, index) => [rows.hash, index, hash]),
      );
    }
    await insertRows(
      pg,
      `scenarios.profile_parts (profile_hash, perceive_system_hash, intend_system_hash,
         adjudicate_system_hash, adjudication_schema_hash, adjudication_retry_budget)`,
      rows.profileParts.map((parts) => [...parts]),
      'on conflict (profile_hash) do nothing',
    );
    const created = await pg.query<{ id: string }>(
      `insert into scenarios.scenario_derivations (child_hash, operator, note, metadata, parent_key)
       values ($1, $2, $3, $4, $5) on conflict (child_hash, parent_key) do nothing returning id`,
      [rows.hash, 'bench', null, '{}', parentKey],
    );
    let id = created.rows[0]?.id;
    if (id !== undefined && rows.parent !== undefined) {
      await pg.query(
        `insert into scenarios.scenario_derivation_parents (derivation_id, parent_hash, parent_index, role)
         values ($1, $2, 0, 'primary')`,
        [id, rows.parent],
      );
    } else if (id === undefined) {
      const existing = await pg.query<{ id: string }>(
        `select id from scenarios.scenario_derivations where child_hash = $1 and parent_key = $2 limit 1`,
        [rows.hash, parentKey],
      );
      id = existing.rows[0]?.id;
    }
    await pg.query('commit');
    if (id === undefined) throw new Error(`baseline write of ${rows.hash} found no derivation`);
    return Number(id);
  } catch (error) {
    await pg.query('rollback').catch(() => undefined);
    throw error;
  }
}

async function insertRows(
  pg: Client,
  into: string,
  rows: ReadonlyArray<readonly unknown[]>,
  suffix = '',
): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  const tuples = rows.map((row) => `(${row.map((value) => `$${values.push(value)}`).join(', ')})`);
  await pg.query(`insert into ${into} values ${tuples.join(', ')} ${suffix}`, values);
}

/**
 * ScenarioStore.bindings' statements: the manifest, then its profile,
 * environment and entity bindings in order. Returns how many bindings it read.
 */
export async function rawBindings(pg: Client, hash: string): Promise<number> {
  const manifest = await pg.query(
    `select hash, scenario_slug, description, chronon_seconds, created_at
       from scenarios.scenarios where hash = $1 limit 1`,
    [hash],
  );
  if (manifest.rowCount !== 1) throw new Error(`baseline: no scenario ${hash}`);
  const profiles = await pg.query(
    `select profile_label, profile_hash from scenarios.scenario_cognition_profiles
      where scenario_hash = $1 order by profile_label`,
    [hash],
  );
  const environments = await pg.query(
    `select environment_label, environment_hash from scenarios.scenario_environments
      where scenario_hash = $1 order by environment_label`,
    [hash],
  );
  const entities = await pg.query(
    `select entity_hash from scenarios.scenario_entities where scenario_hash = $1 order by entity_index`,
    [hash],
  );
  return profiles.rows.length + environments.rows.length + entities.rows.length;
}
