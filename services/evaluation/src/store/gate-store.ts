import type { Knex, ServiceDb } from '@crucible/database';

const GATES = 'name_gates';
const RUNS = 'gate_runs';

/**
 * First key of the advisory locks on gated names ('gate' in ASCII): a bind,
 * an unbind and the start of a gate run of one name take it, so versions
 * count up one at a time.
 */
const GATE_LOCK_SPACE = 0x67617465;

/** A version of a name's gate (`experiment_id` a BIGINT, read as a string). */
export interface NameGateRow {
  name: string;
  version: number;
  bound: boolean;
  experiment_id: string | null;
  thresholds: unknown[];
  note: string | null;
  actor: string | null;
  changed_at: Date;
}

export type NewNameGateRow = Omit<NameGateRow, 'changed_at'>;

/** What a decided gate run adds (gate_run.v1.json: scores, checks, reasons). */
export interface GateRunReport {
  scores: unknown[];
  checks: unknown[];
  reasons: string[];
}

export interface GateRunRow {
  run_id: string;
  name: string;
  gate_version: number;
  from_hash: string | null;
  to_hash: string;
  decision: 'pending' | 'pass' | 'fail';
  report: GateRunReport | null;
  actor: string | null;
  created_at: Date;
  decided_at: Date | null;
}

export type NewGateRunRow = Pick<
  GateRunRow,
  'name' | 'gate_version' | 'from_hash' | 'to_hash' | 'actor'
> & { run_id: number; decision: 'pending' };

/** Data access of name gates and gate runs; writes take their transaction last. */
export class GateStore {
  constructor(private readonly db: ServiceDb) {}

  /** Holds the name's gate lock until the transaction ends. */
  async lockName(name: string, trx: Knex.Transaction): Promise<void> {
    await trx.raw('select pg_advisory_xact_lock(?, hashtext(?))', [GATE_LOCK_SPACE, name]);
  }

  /** The latest version of a name's gate (bound or not), or undefined when it never had one. */
  async latest(name: string, trx?: Knex.Transaction): Promise<NameGateRow | undefined> {
    return this.db
      .table(GATES, trx)
      .where('name', name)
      .orderBy('version', 'desc')
      .first<NameGateRow | undefined>('*');
  }

  async version(
    name: string,
    version: number,
    trx?: Knex.Transaction,
  ): Promise<NameGateRow | undefined> {
    return this.db.table(GATES, trx).where({ name, version }).first<NameGateRow | undefined>('*');
  }

  async insertVersion(row: NewNameGateRow, trx: Knex.Transaction): Promise<NameGateRow> {
    const [inserted] = await this.db
      .table(GATES, trx)
      .insert({ ...row, thresholds: JSON.stringify(row.thresholds) })
      .returning<NameGateRow[]>('*');
    if (inserted === undefined) throw new Error('insert into name_gates returned no row');
    return inserted;
  }

  async insertRun(row: NewGateRunRow, trx: Knex.Transaction): Promise<GateRunRow> {
    const [inserted] = await this.db.table(RUNS, trx).insert(row).returning<GateRunRow[]>('*');
    if (inserted === undefined) throw new Error('insert into gate_runs returned no row');
    return inserted;
  }

  async run(runId: number, trx?: Knex.Transaction): Promise<GateRunRow | undefined> {
    return this.db.table(RUNS, trx).where('run_id', runId).first<GateRunRow | undefined>('*');
  }

  /** Records a pending run's decision; false when it was decided already. */
  async decide(
    runId: number,
    decision: { decision: 'pass' | 'fail'; report: GateRunReport; decided_at: Date },
    trx: Knex.Transaction,
  ): Promise<GateRunRow | undefined> {
    const [row] = await this.db
      .table(RUNS, trx)
      .where({ run_id: runId, decision: 'pending' })
      .update({ ...decision, report: JSON.stringify(decision.report) })
      .returning<GateRunRow[]>('*');
    return row;
  }

  /**
   * The runs of one move under one gate version, passing ones first, then
   * newest first: the first is the one that lets the move through, if any.
   */
  async runsOfMove(
    move: { name: string; version: number; from: string | null; to: string },
    limit: number,
    trx?: Knex.Transaction,
  ): Promise<GateRunRow[]> {
    const query = this.db
      .table(RUNS, trx)
      .where({ name: move.name, gate_version: move.version, to_hash: move.to });
    if (move.from === null) query.whereNull('from_hash');
    else query.andWhere('from_hash', move.from);
    return query
      .orderByRaw(`(decision = 'pass') desc, run_id desc`)
      .limit(limit)
      .select<GateRunRow[]>('*');
  }
}
