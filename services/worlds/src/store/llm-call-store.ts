import {
  jsonArrayBytes,
  RELAXED_COMMIT,
  type Knex,
  type NamedStatement,
  type ServiceDb,
} from '@crucible/database';
import type { TurnSegment } from '../domain/world-chain';
import type { LlmCallRow, UsageTotals } from './rows';

/**
 * A call to record (recorded_at is the database's); `request` is the
 * request's canonical JSON text, stored as it is (not parsed and written
 * again: an adjudicate request holds the whole world).
 */
export type NewLlmCall = Omit<LlmCallRow, 'recorded_at' | 'request'> & { readonly request: string };

/**
 * The insert of call records of one world and turn (`world`, `turn`: SQL
 * expressions), from the thirteen values of callValues at $first on; a
 * request recorded already is left as it is. recordMany's statement and the
 * commit's (TurnStore.commitHeldTurn) both write records with it. `relaxed`
 * joins RELAXED_COMMIT: for recordMany's statement only, never the commit's.
 */
export function insertCallsSql(
  table: string,
  first: number,
  world: string,
  turn: string,
  options: { readonly relaxed?: boolean } = {},
): string {
  const $ = (i: number): string => `$${first + i}`;
  return `insert into ${table} (hash, request, content, finish_reason, input_tokens, output_tokens,
         latency_ms, provider, model, params, world_id, turn, agent_id, phase, profile_label)
       select r.hash, r.request, r.content, r.finish_reason, r.input_tokens, r.output_tokens,
              r.latency_ms, r.provider, r.model, r.params::json, ${world}, ${turn}, r.agent_id, r.phase, r.profile_label
         from rows from (unnest(${$(0)}::text[]), json_array_elements(${$(1)}::json), unnest(${$(2)}::text[], ${$(3)}::text[], ${$(4)}::int[], ${$(5)}::int[],
                     ${$(6)}::int[], ${$(7)}::text[], ${$(8)}::text[], ${$(9)}::text[], ${$(10)}::text[], ${$(11)}::text[], ${$(12)}::text[]))
           as r(hash, request, content, finish_reason, input_tokens, output_tokens, latency_ms,
                provider, model, params, agent_id, phase, profile_label)${options.relaxed === true ? `, ${RELAXED_COMMIT}` : ''}
       on conflict (hash) do nothing`;
}

/**
 * The thirteen values insertCallsSql reads, in its order: arrays, but the
 * requests as one JSON array (each request's canonical text written in as
 * it is). `pg` would write a text[] of them escaping every quote and
 * backslash in JavaScript (two regular expressions over each request): at
 * 100 agents, about 2.2 ms a turn for 0.7 MB of requests. As bytes
 * (jsonArrayBytes), not one string joined: see there.
 */
export function callValues(calls: readonly NewLlmCall[]): unknown[] {
  return [
    calls.map((c) => c.hash),
    jsonArrayBytes(calls.map((c) => c.request)),
    calls.map((c) => c.content),
    calls.map((c) => c.finish_reason),
    calls.map((c) => c.input_tokens),
    calls.map((c) => c.output_tokens),
    calls.map((c) => c.latency_ms),
    calls.map((c) => c.provider),
    calls.map((c) => c.model),
    calls.map((c) => JSON.stringify(c.params)),
    calls.map((c) => c.agent_id),
    calls.map((c) => c.phase),
    calls.map((c) => c.profile_label),
  ];
}

/** list_llm_calls' filter. */
export interface LlmCallFilter {
  readonly segments: readonly TurnSegment[];
  readonly turn?: number;
  readonly agent_id?: string;
  readonly phase?: string;
  readonly profile?: string;
}

const SUMMARY_COLUMNS = [
  'hash',
  'world_id',
  'turn',
  'agent_id',
  'phase',
  'provider',
  'model',
  'input_tokens',
  'output_tokens',
  'latency_ms',
  'recorded_at',
] as const;

/**
 * What the minds that record and replay need of the records (LlmCallStore;
 * tests use an in-memory one that keeps the same promises).
 */
export interface CallRecords {
  /** The records of these requests that exist (any world's), by hash. */
  findMany(hashes: readonly string[]): Promise<Map<string, LlmCallRow>>;
  /** The records made for a turn of these worlds (the calls a crashed attempt left). */
  forTurn(worldIds: readonly number[], turn: number): Promise<LlmCallRow[]>;
  /**
   * Records calls in one statement; the first record of a request wins (the
   * same request twice is one call). Returns the hashes this call inserted:
   * the others were recorded already.
   */
  recordMany(calls: readonly NewLlmCall[]): Promise<Set<string>>;
}

/**
 * Recorded LLM calls, keyed by request hash. Records are written in
 * statements of their own as the calls return, never in a turn's
 * transaction: a crashed attempt's calls are there for the attempt that
 * takes over. Those statements do not wait for the disk (RELAXED_COMMIT):
 * a crash of the worlds process loses none of them; a crash of Postgres may
 * lose the last fraction of a second of them, and then those calls are paid
 * again. A committed turn's records are durable: its commit waits for the
 * disk, and with it for every record written before.
 */
export class LlmCallStore implements CallRecords {
  private readonly findManyStatement: NamedStatement;
  private readonly recordManyStatement: NamedStatement;

  constructor(private readonly db: ServiceDb) {
    const calls = db.quotedTable('llm_calls');
    // Named (prepared once per connection): a costly mind's turn looks up
    // and records each of its calls, one after the other.
    this.findManyStatement = db.statement(
      'llm_calls_by_hash',
      `select * from ${calls} where hash = any($1::text[])`,
    );
    this.recordManyStatement = db.statement(
      'llm_calls_record',
      `${insertCallsSql(calls, 3, '$1::bigint', '$2::int', { relaxed: true })} returning hash`,
    );
  }

  async findMany(hashes: readonly string[]): Promise<Map<string, LlmCallRow>> {
    const out = new Map<string, LlmCallRow>();
    if (hashes.length === 0) return out;
    const rows = await this.db.run<LlmCallRow>(this.findManyStatement, [[...new Set(hashes)]]);
    for (const row of rows) out.set(row.hash, { ...row, world_id: Number(row.world_id) });
    return out;
  }

  async forTurn(worldIds: readonly number[], turn: number): Promise<LlmCallRow[]> {
    if (worldIds.length === 0) return [];
    const rows = await this.db
      .table('llm_calls')
      .whereIn('world_id', [...worldIds])
      .andWhere({ turn })
      .select<LlmCallRow[]>('*');
    return rows.map((row) => ({ ...row, world_id: Number(row.world_id) }));
  }

  async recordMany(calls: readonly NewLlmCall[]): Promise<Set<string>> {
    const unique = [...new Map(calls.map((c) => [c.hash, c])).values()];
    // One statement per world and turn: a recording mind's calls are all of one.
    const groups = new Map<string, NewLlmCall[]>();
    for (const call of unique) {
      const key = `${call.world_id}/${call.turn}`;
      groups.set(key, [...(groups.get(key) ?? []), call]);
    }
    const inserted = new Set<string>();
    for (const group of groups.values()) {
      const [first] = group as [NewLlmCall];
      const rows = await this.db.run<{ hash: string }>(this.recordManyStatement, [
        first.world_id,
        first.turn,
        ...callValues(group),
      ]);
      for (const row of rows) inserted.add(row.hash);
    }
    return inserted;
  }

  /** The record of a request, if one was made. */
  async find(hash: string, trx?: Knex.Transaction): Promise<LlmCallRow | undefined> {
    const row = await this.db
      .table('llm_calls', trx)
      .where({ hash })
      .first<LlmCallRow | undefined>('*');
    return row && { ...row, world_id: Number(row.world_id) };
  }

  /** Calls of a world's history in turn and record order, after a cursor. */
  async list(
    filter: LlmCallFilter,
    after: { turn: number; recorded_at: string; hash: string } | undefined,
    limit: number,
    trx?: Knex.Transaction,
  ): Promise<
    Array<Omit<LlmCallRow, 'request' | 'content' | 'params' | 'finish_reason' | 'profile_label'>>
  > {
    let builder = this.filtered(filter, trx);
    if (after !== undefined) {
      builder = builder.whereRaw('(turn, recorded_at, hash) > (?, ?::timestamptz, ?)', [
        after.turn,
        after.recorded_at,
        after.hash,
      ]);
    }
    const rows: LlmCallRow[] = await builder
      .orderBy([
        { column: 'turn', order: 'asc' },
        { column: 'recorded_at', order: 'asc' },
        { column: 'hash', order: 'asc' },
      ])
      .limit(limit)
      .select<LlmCallRow[]>(SUMMARY_COLUMNS);
    return rows.map((r) => ({ ...r, world_id: Number(r.world_id) }));
  }

  /** Totals of the calls a filter matches. */
  async usage(filter: LlmCallFilter, trx?: Knex.Transaction): Promise<UsageTotals> {
    const row = await this.filtered(filter, trx).first<{
      calls: string;
      input_tokens: string;
      output_tokens: string;
      latency_ms: string;
    }>(
      this.db.knex.raw('count(*) as calls'),
      this.db.knex.raw('coalesce(sum(input_tokens), 0) as input_tokens'),
      this.db.knex.raw('coalesce(sum(output_tokens), 0) as output_tokens'),
      this.db.knex.raw('coalesce(sum(latency_ms), 0) as latency_ms'),
    );
    return {
      calls: Number(row?.calls ?? 0),
      input_tokens: Number(row?.input_tokens ?? 0),
      output_tokens: Number(row?.output_tokens ?? 0),
      latency_ms: Number(row?.latency_ms ?? 0),
    };
  }

  private filtered(filter: LlmCallFilter, trx?: Knex.Transaction): Knex.QueryBuilder {
    let builder = this.db.table('llm_calls', trx).where((outer) => {
      for (const s of filter.segments) {
        outer.orWhere((inner) => {
          inner.where('world_id', s.world_id).andWhere('turn', '>=', s.from);
          if (s.to !== null) inner.andWhere('turn', '<=', s.to);
        });
      }
    });
    if (filter.turn !== undefined) builder = builder.where({ turn: filter.turn });
    if (filter.agent_id !== undefined) builder = builder.where({ agent_id: filter.agent_id });
    if (filter.phase !== undefined) builder = builder.where({ phase: filter.phase });
    if (filter.profile !== undefined) builder = builder.where({ profile_label: filter.profile });
    return builder;
  }
}
