import type { Knex, NamedStatement, ServiceDb } from '@crucible/database';
import { OUTBOX_TABLE, type OutboxRow } from '@crucible/messaging';
import type { ComponentKind } from '@crucible/contracts';
import { KINDS, type ContentKind } from '../domain/component-kinds';
import type { PreparedComponent } from '../domain/prepared-component';

/** A stored text or JSON component as read back. */
export interface ComponentRow {
  hash: string;
  content: string | Record<string, unknown>;
  created_at: Date;
}

/** A stored cognition profile as read back. */
export interface ProfileRow {
  hash: string;
  perceive_system_hash: string;
  intend_system_hash: string;
  adjudicate_system_hash: string;
  adjudication_schema_hash: string;
  adjudication_retry_budget: number;
  created_at: Date;
}

export type ProfileParts = Omit<ProfileRow, 'created_at'>;

/**
 * Data access of the components schema. Every write is store-or-reuse
 * (INSERT ... ON CONFLICT DO NOTHING) and writes its outbox row in the same
 * statement, only when the row is new: one round trip, atomic, and safe
 * under concurrent identical writes (exactly one of them reports new).
 */
export class ComponentStore {
  private readonly inserts: ReadonlyMap<ComponentKind, NamedStatement>;

  constructor(private readonly db: ServiceDb) {
    const inserts = new Map<ComponentKind, NamedStatement>();
    for (const spec of Object.values(KINDS)) {
      const insert =
        spec.content === 'profile'
          ? `insert into ${db.quotedTable(spec.table)} (hash, perceive_system_hash, intend_system_hash,
               adjudicate_system_hash, adjudication_schema_hash, adjudication_retry_budget)
             values ($1, $2, $3, $4, $5, $6) on conflict (hash) do nothing returning hash`
          : `insert into ${db.quotedTable(spec.table)} (hash, content)
             values ($1, $2${spec.content === 'json' ? '::jsonb' : ''}) on conflict (hash) do nothing returning hash`;
      const valueCount = spec.content === 'profile' ? 6 : 2;
      inserts.set(
        spec.kind,
        db.statement(`insert_${spec.table}`, withOutboxRow(db, insert, valueCount)),
      );
    }
    this.inserts = inserts;
  }

  /** Stores a component; true when this call inserted it. */
  async insertComponent(
    component: PreparedComponent,
    event: OutboxRow,
    trx?: Knex.Transaction,
  ): Promise<boolean> {
    return this.insertReturningNew(component.kind, [component.hash, component.stored], event, trx);
  }

  /** Stores a profile whose four parts exist; true when this call inserted it. */
  async insertProfile(
    profile: ProfileParts,
    event: OutboxRow,
    trx?: Knex.Transaction,
  ): Promise<boolean> {
    return this.insertReturningNew(
      'cognition_profile',
      [
        profile.hash,
        profile.perceive_system_hash,
        profile.intend_system_hash,
        profile.adjudicate_system_hash,
        profile.adjudication_schema_hash,
        profile.adjudication_retry_budget,
      ],
      event,
      trx,
    );
  }

  private async insertReturningNew(
    kind: ComponentKind,
    bindings: unknown[],
    event: OutboxRow,
    trx?: Knex.Transaction,
  ): Promise<boolean> {
    const statement = this.inserts.get(kind);
    if (statement === undefined) throw new Error(`no insert statement for ${kind}`);
    const rows = await this.db.run<{ inserted: number }>(
      statement,
      [...bindings, event.event_id, event.topic, event.key, event.envelope, event.headers],
      trx,
    );
    return (rows[0]?.inserted ?? 0) > 0;
  }

  /** The hashes among `hashes` that exist for a kind. */
  async existing(
    kind: ComponentKind,
    hashes: string[],
    trx?: Knex.Transaction,
  ): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const found: string[] = await this.db
      .table<{ hash: string }>(KINDS[kind].table, trx)
      .whereIn('hash', [...new Set(hashes)])
      .pluck('hash');
    return new Set(found);
  }

  async getComponent(kind: ContentKind, hash: string): Promise<ComponentRow | undefined> {
    return this.db
      .table<ComponentRow>(KINDS[kind].table)
      .where({ hash })
      .first('hash', 'content', 'created_at');
  }

  async getComponents(
    kind: ContentKind,
    hashes: string[],
    trx?: Knex.Transaction,
  ): Promise<ComponentRow[]> {
    if (hashes.length === 0) return [];
    return this.db
      .table<ComponentRow>(KINDS[kind].table, trx)
      .whereIn('hash', hashes)
      .select('hash', 'content', 'created_at');
  }

  async getProfile(hash: string): Promise<ProfileRow | undefined> {
    return this.db
      .table<ProfileRow>(KINDS.cognition_profile.table)
      .where({ hash })
      .first(...PROFILE_COLUMNS);
  }

  async getProfiles(hashes: string[], trx?: Knex.Transaction): Promise<ProfileRow[]> {
    if (hashes.length === 0) return [];
    return this.db
      .table<ProfileRow>(KINDS.cognition_profile.table, trx)
      .whereIn('hash', hashes)
      .select(...PROFILE_COLUMNS);
  }

  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }
}

/**
 * Wraps a store-or-reuse insert so the outbox row is written in the same
 * statement, only when the row is new. Data-modifying CTEs always run; the
 * outbox insert selects from the first one, so it writes a row exactly when
 * the component row is new. Its five values follow the insert's `valueCount`.
 */
function withOutboxRow(db: ServiceDb, insertSql: string, valueCount: number): string {
  const [id, topic, key, envelope, headers] = [1, 2, 3, 4, 5].map((i) => `$${valueCount + i}`);
  return `with ins as (${insertSql}),
    ev as (
      insert into ${db.quotedTable(OUTBOX_TABLE)} (event_id, topic, key, envelope, headers)
      select ${id}, ${topic}, ${key}, ${envelope}::json, ${headers}::json from ins
      returning 1)
    select count(*)::int as inserted from ins`;
}

const PROFILE_COLUMNS = [
  'hash',
  'perceive_system_hash',
  'intend_system_hash',
  'adjudicate_system_hash',
  'adjudication_schema_hash',
  'adjudication_retry_budget',
  'created_at',
] as const;
