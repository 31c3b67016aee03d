// The components service's share of a scenarios operation, run raw: an
// assembly or fork with inline content has the components service store
// what is new (one statement writing the rows and their events' outbox rows;
// a fork also reads the parent's entities it keeps, in a transaction), and
// a get has it read the contents. That SQL is part of what the operation
// runs, so its floor holds it beside the scenarios service's own statements
// (raw-statements.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { captureQueries, type CapturedQuery } from './captured-query';

/** The components service's statements of one call, ready to run again. */
export interface ComponentsReplay {
  /** How many statements one replay sends (BEGIN and COMMIT included). */
  readonly statements: number;
  /**
   * Sends them on `pg`, in order, named statements as named ones (prepared
   * once, as the service runs them); the rows the captured call inserted
   * are made new again (fresh hashes and event ids), so each replay inserts
   * them as the service's next call does, instead of finding them.
   */
  run(pg: Client): Promise<void>;
}

/** The relays' statements, which run beside a call but are not its SQL. */
const RELAY_STATEMENT = /\.outbox_/;

/** `<kind>:<hash>` of a row the statement inserted, as its events are matched (Outbox.withEventsPerRow). */
const NEW_ROW = /^[a-z_]+:([0-9a-f]{64})$/;

const HASH_OR_UUID = /[0-9a-f]{64}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * Runs `work` (one call) and keeps the statements the components service
 * sent for it: its named statements (the relays' excepted) and its reads of
 * components tables, with the BEGIN and COMMIT of a transaction that holds
 * any of them (services may share a pool, so a connection is not a service).
 * `stores`: a write that stored new components, made new again at each
 * replay; `reads`: reads, replayed as they were.
 */
export async function captureComponents(
  work: () => Promise<unknown>,
  what: string,
  kind: 'stores' | 'reads' = 'stores',
): Promise<ComponentsReplay> {
  const { queries } = await captureQueries(work);
  const ofComponents = (q: CapturedQuery): boolean =>
    q.name === undefined
      ? q.sql.includes('"components".')
      : q.name.startsWith('components.') && !RELAY_STATEMENT.test(q.name);
  const statements: CapturedQuery[] = [];
  // Per connection, the transaction open on it: its statements of the components service so far.
  const open = new Map<object, CapturedQuery[]>();
  for (const q of queries) {
    const transaction = open.get(q.connection);
    if (/^\s*begin\b/i.test(q.sql)) open.set(q.connection, [q]);
    else if (transaction !== undefined && /^\s*(commit|rollback)\b/i.test(q.sql)) {
      open.delete(q.connection);
      if (transaction.length > 1) statements.push(...transaction, q);
    } else if (ofComponents(q)) (transaction ?? statements).push(q);
  }
  const inserted = new Set<string>();
  for (const q of statements)
    for (const value of q.bindings)
      if (Array.isArray(value))
        for (const item of value) {
          const match = typeof item === 'string' ? NEW_ROW.exec(item) : null;
          if (match?.[1] !== undefined) inserted.add(match[1]);
        }
  if (statements.length === 0) throw new Error(`${what}: the components service ran nothing`);
  if (kind === 'stores' && inserted.size === 0)
    throw new Error(`${what}: the components service stored nothing new`);
  // Each value as a template whose slots are the new rows' hashes and the
  // events' ids, made once: a replay fills them (a regex over the ~30 KB of
  // a new assembly's values took ~0.2 ms, which the floor would have held).
  const replaced =
    kind === 'reads' ? () => false : (found: string) => found.length < 64 || inserted.has(found);
  const templates = statements.map((q) => q.bindings.map((value) => templateOf(value, replaced)));
  return {
    statements: statements.length,
    async run(pg) {
      const slot = freshSlots();
      let returned = 0;
      for (const [i, q] of statements.entries()) {
        const values = (templates[i] ?? []).map((template) => filled(template, slot));
        const result =
          q.name === undefined
            ? await pg.query(q.sql, values)
            : await pg.query({ name: `bench.${q.name}`, text: q.sql, values });
        if (q.name !== undefined) returned += result.rowCount ?? 0;
      }
      // The service's statement returns a row per new component: a replay that found them stored measures nothing.
      if (kind === 'stores' && returned < inserted.size)
        throw new Error(`${what}: a replay stored ${returned} of ${inserted.size} new components`);
      if (kind === 'reads' && returned === 0) throw new Error(`${what}: a replay read nothing`);
    },
  };
}

/**
 * What a replay puts in each slot: a fresh hash for a hash, a fresh UUID for
 * a UUID, the same one wherever the same string was (a profile's part and
 * its row, an event's id in its envelope).
 */
export function freshSlots(): (found: string) => string {
  const fresh = new Map<string, string>();
  return (found) => {
    let next = fresh.get(found);
    if (next === undefined) {
      next = found.length === 64 ? randomBytes(32).toString('hex') : randomUUID();
      fresh.set(found, next);
    }
    return next;
  };
}

/** A value with slots: text pieces around the strings a replay replaces. */
export type Template =
  | { readonly text: readonly string[]; readonly slots: readonly string[]; readonly bytes: boolean }
  | { readonly items: readonly Template[] }
  | { readonly literal: unknown };

/** `value` as a template: each hash or UUID in its text that `replaced` accepts is a slot. */
export function templateOf(value: unknown, replaced: (found: string) => boolean): Template {
  if (Array.isArray(value)) return { items: value.map((item) => templateOf(item, replaced)) };
  const bytes = Buffer.isBuffer(value);
  if (typeof value !== 'string' && !bytes) return { literal: value };
  const source = bytes ? value.toString('utf8') : value;
  const text: string[] = [];
  const slots: string[] = [];
  let from = 0;
  for (const match of source.matchAll(HASH_OR_UUID)) {
    if (!replaced(match[0])) continue;
    text.push(source.slice(from, match.index));
    slots.push(match[0]);
    from = match.index + match[0].length;
  }
  text.push(source.slice(from));
  return { text, slots, bytes };
}

/** The template's value with each slot filled by `slot`. */
export function filled(template: Template, slot: (found: string) => string): unknown {
  if ('literal' in template) return template.literal;
  if ('items' in template) return template.items.map((item) => filled(item, slot));
  let out = template.text[0] ?? '';
  for (const [i, found] of template.slots.entries())
    out += slot(found) + (template.text[i + 1] ?? '');
  return template.bytes ? Buffer.from(out, 'utf8') : out;
}
