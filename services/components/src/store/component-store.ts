import type { Knex, NamedStatement, ServiceDb } from '@crucible/database';
import type { EventStatement, Outbox, OutboxRow } from '@crucible/messaging';
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
 * Data access of the components schema; every method takes its optional
 * transaction last. Every write is store-or-reuse (INSERT ... ON CONFLICT DO
 * NOTHING) and writes its event in the same statement, only when the row is
 * new (`Outbox.withEvent`): one round trip, atomic, and safe under
 * concurrent identical writes (exactly one of them reports new). Without a
 * transaction that statement commits on its own and wakes the relay.
 */
export class ComponentStore {
  private readonly inserts: ReadonlyMap<ComponentKind, EventStatement>;
  private readonly insertManyStatement: EventStatement;
  private readonly contentsStatement: NamedStatement;

  constructor(
    private readonly db: ServiceDb,
    private readonly outbox: Outbox,
  ) {
    const inserts = new Map<ComponentKind, EventStatement>();
    for (const spec of Object.values(KINDS)) {
      const insert =
        spec.content === 'profile'
          ? `insert into ${db.quotedTable(spec.table)} (hash, perceive_system_hash, intend_system_hash,
               adjudicate_system_hash, adjudication_schema_hash, adjudication_retry_budget)
             values ($1, $2, $3, $4, $5, $6) on conflict (hash) do nothing returning hash`
          : `insert into ${db.quotedTable(spec.table)} (hash, content)
             values ($1, $2${spec.content === 'json' ? '::jsonb' : ''}) on conflict (hash) do nothing returning hash`;
      const valueCount = spec.content === 'profile' ? 6 : 2;
      inserts.set(spec.kind, outbox.withEvent(`insert_${spec.table}`, insert, valueCount));
    }
    this.inserts = inserts;
    this.insertManyStatement = insertManyStatement(db, outbox);
    this.contentsStatement = contentsStatement(db);
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

  /**
   * Stores components and profiles store-or-reuse, each new one with its
   * event, in one statement (a data-modifying CTE per table: a profile's
   * foreign keys are checked at the end of the statement, so its parts may
   * be among the writes); events in the order of `writes`. Returns the
   * `<kind>:<hash>` of the rows this call inserted.
   */
  async insertMany(
    writes: ReadonlyArray<
      | { readonly component: PreparedComponent; readonly event: OutboxRow }
      | { readonly profile: ProfileParts; readonly event: OutboxRow }
    >,
    trx?: Knex.Transaction,
  ): Promise<Set<string>> {
    const values: unknown[][] = INSERT_MANY_KINDS.flatMap((kind) =>
      kind === 'cognition_profile' ? PROFILE_INSERT_COLUMNS.map(() => []) : [[], []],
    );
    const events: Array<{ match: string; row: OutboxRow }> = [];
    for (const write of writes) {
      if ('profile' in write) {
        const p = write.profile;
        const at = INSERT_MANY_OFFSETS.get('cognition_profile')!;
        [p.hash, ...PROFILE_INSERT_COLUMNS.slice(1).map((column) => p[column])].forEach((v, i) =>
          values[at + i]!.push(v),
        );
        events.push({ match: `cognition_profile:${p.hash}`, row: write.event });
      } else {
        const c = write.component;
        const at = INSERT_MANY_OFFSETS.get(c.kind)!;
        values[at]!.push(c.hash);
        values[at + 1]!.push(c.stored);
        events.push({ match: `${c.kind}:${c.hash}`, row: write.event });
      }
    }
    const rows = await this.outbox.runPerRow<{ match: string }>(
      this.insertManyStatement,
      values,
      events,
      trx,
    );
    return new Set(rows.map((row) => row.match));
  }

  private async insertReturningNew(
    kind: ComponentKind,
    bindings: unknown[],
    event: OutboxRow,
    trx?: Knex.Transaction,
  ): Promise<boolean> {
    const statement = this.inserts.get(kind);
    if (statement === undefined) throw new Error(`no insert statement for ${kind}`);
    return (await this.outbox.run(statement, bindings, event, trx)) > 0;
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

  async getComponent(
    kind: ContentKind,
    hash: string,
    trx?: Knex.Transaction,
  ): Promise<ComponentRow | undefined> {
    return this.db
      .table<ComponentRow>(KINDS[kind].table, trx)
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

  /**
   * Components of every content kind by hash in one statement (the hashes of
   * each kind in `CONTENT_KINDS` order; an empty list reads nothing). Text
   * contents come back as JSON strings (`to_jsonb`), so one column carries
   * both: parsed, they are the same strings.
   */
  async getContents(
    hashes: Readonly<Record<ContentKind, readonly string[]>>,
    trx?: Knex.Transaction,
  ): Promise<Array<ComponentRow & { kind: ContentKind }>> {
    return this.db.run(
      this.contentsStatement,
      CONTENT_KINDS.map((kind) => hashes[kind]),
      trx,
    );
  }

  async getProfile(hash: string, trx?: Knex.Transaction): Promise<ProfileRow | undefined> {
    return this.db
      .table<ProfileRow>(KINDS.cognition_profile.table, trx)
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

  /** One transaction for several writes; the relay is woken after it commits if it wrote events. */
  transaction<T>(fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.outbox.transaction(fn);
  }
}

/** The kinds in the order of `insertMany`'s parameters (profiles after their parts). */
const INSERT_MANY_KINDS: readonly ComponentKind[] = Object.values(KINDS).map((spec) => spec.kind);

/** A profile's columns in `insertMany`'s parameters (the hash, its parts, its budget). */
const PROFILE_INSERT_COLUMNS = [
  'hash',
  'perceive_system_hash',
  'intend_system_hash',
  'adjudicate_system_hash',
  'adjudication_schema_hash',
  'adjudication_retry_budget',
] as const;

/** Where each kind's arrays start in `insertMany`'s parameters (0-based). */
const INSERT_MANY_OFFSETS: ReadonlyMap<ComponentKind, number> = (() => {
  const offsets = new Map<ComponentKind, number>();
  let at = 0;
  for (const kind of INSERT_MANY_KINDS) {
    offsets.set(kind, at);
    at += kind === 'cognition_profile' ? PROFILE_INSERT_COLUMNS.length : 2;
  }
  return offsets;
})();

/**
 * `insertMany`'s statement: per kind, an INSERT ... ON CONFLICT DO NOTHING
 * of its arrays, and `new_rows`, the `<kind>:<hash>` of each row inserted,
 * which the outbox matches each event against.
 */
function insertManyStatement(db: ServiceDb, outbox: Outbox): EventStatement {
  const ctes: string[] = [];
  const news: string[] = [];
  for (const kind of INSERT_MANY_KINDS) {
    const spec = KINDS[kind];
    const at = INSERT_MANY_OFFSETS.get(kind)! + 1;
    const table = db.quotedTable(spec.table);
    if (spec.content === 'profile') {
      const columns = PROFILE_INSERT_COLUMNS.join(', ');
      const arrays = PROFILE_INSERT_COLUMNS.map(
        (column, i) =>
          `$${at + i}::${column === 'adjudication_retry_budget' ? 'integer' : 'text'}[]`,
      ).join(', ');
      ctes.push(`new_${kind} as (insert into ${table} (${columns})
          select * from unnest(${arrays})
          on conflict (hash) do nothing returning hash)`);
    } else {
      const contentType = spec.content === 'json' ? 'jsonb' : 'text';
      ctes.push(`new_${kind} as (insert into ${table} (hash, content)
          select * from unnest($${at}::text[], $${at + 1}::${contentType}[])
          on conflict (hash) do nothing returning hash)`);
    }
    news.push(`select '${kind}:' || hash as match from new_${kind}`);
  }
  ctes.push(`new_rows as (${news.join(' union all ')})`);
  return outbox.withEventsPerRow('insert_components_many', {
    ctes: ctes.join(',\n'),
    rows: 'new_rows',
    select: 'select match from new_rows',
    valueCount: INSERT_MANY_KINDS.reduce(
      (n, kind) => n + (kind === 'cognition_profile' ? PROFILE_INSERT_COLUMNS.length : 2),
      0,
    ),
  });
}

/** The content kinds in the order of `getContents`' parameters. */
const CONTENT_KINDS: readonly ContentKind[] = Object.values(KINDS)
  .map((spec) => spec.kind)
  .filter((kind): kind is ContentKind => kind !== 'cognition_profile');

function contentsStatement(db: ServiceDb): NamedStatement {
  const selects = CONTENT_KINDS.map((kind, i) => {
    const spec = KINDS[kind];
    const content = spec.content === 'json' ? 'content' : 'to_jsonb(content)';
    return `select '${kind}' as kind, hash, ${content} as content, created_at
              from ${db.quotedTable(spec.table)} where hash = any($${i + 1}::text[])`;
  });
  return db.statement('get_contents', selects.join('\n union all '));
}

const PROFILE_COLUMNS = [...PROFILE_INSERT_COLUMNS, 'created_at'] as const;
