import type { GateDecidedV1, GateRun, GateThreshold } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import type { OutboxRow } from '@crucible/messaging';
import { decideGate, type GateReport } from '../domain/gate-decision';
import type { ScoreValue } from '../domain/score-rules';
import { compileStatsOptions } from '../domain/stats';
import type { EvaluationDeps } from '../handlers/deps';
import type { GateRunRow } from '../store/gate-store';
import type { Cause, RunStatus } from './run-progress';

export type GateDeps = Pick<EvaluationDeps, 'gates' | 'runs' | 'results' | 'registry' | 'events'>;

/**
 * Decides a gate run once its evaluation run stopped, in the transaction
 * that stopped it (the run's lock is held, so it is decided once): a
 * completed run is judged on its scored worlds (domain/gate-decision.ts), a
 * failed or cancelled one fails. Answers the `evaluation.gate_decided`
 * event to write with it; nothing for a run that is no gate run or was
 * decided already.
 */
export async function decideGateRun(
  deps: GateDeps,
  runId: number,
  status: RunStatus,
  cause: Cause,
  trx: Knex.Transaction,
): Promise<OutboxRow[]> {
  if (status === 'running' || status === 'pending') return [];
  const gateRun = await deps.gates.run(runId, trx);
  if (gateRun === undefined || gateRun.decision !== 'pending') return [];
  const report =
    status === 'completed'
      ? await judge(deps, gateRun, trx)
      : {
          decision: 'fail' as const,
          scores: [],
          checks: [],
          reasons: [`the gate's evaluation run ${runId} ${status}`],
        };
  const decidedAt = await now(trx);
  const decided = await deps.gates.decide(
    runId,
    {
      decision: report.decision,
      report: { scores: report.scores, checks: report.checks, reasons: report.reasons },
      decided_at: decidedAt,
    },
    trx,
  );
  if (decided === undefined) return [];
  const data: GateDecidedV1 = {
    run_id: runId,
    name: decided.name,
    gate_version: decided.gate_version,
    from_hash: decided.from_hash,
    to_hash: decided.to_hash,
    decision: report.decision,
    decided_at: decidedAt.toISOString(),
  };
  return [
    deps.events.event('evaluation.gate_decided', data, {
      key: `name-gate/${decided.name}`,
      causationId: cause.causationId,
      correlationId: cause.correlationId,
      occurredAt: decidedAt,
    }),
  ];
}

async function judge(
  deps: GateDeps,
  gateRun: GateRunRow,
  trx: Knex.Transaction,
): Promise<GateReport> {
  const gate = await deps.gates.version(gateRun.name, gateRun.gate_version, trx);
  if (gate === undefined || gate.experiment_id === null) {
    throw new Error(`gate run ${gateRun.run_id} has no bound gate version ${gateRun.gate_version}`);
  }
  const experiment = await deps.registry.experimentById(Number(gate.experiment_id), trx);
  const stats = (experiment?.experiment as { reliability?: { stats?: object } } | undefined)
    ?.reliability?.stats;
  const current = gateRun.from_hash === null ? null : new Map<string, number[]>();
  const candidate = new Map<string, number[]>();
  let afterId: number | undefined;
  for (;;) {
    const jobs = await deps.runs.listJobs(Number(gateRun.run_id), { afterId, limit: 500 }, trx);
    if (jobs.length === 0) break;
    afterId = Number(jobs[jobs.length - 1]!.id);
    const finished = jobs.filter((job) => job.status === 'done' || job.status === 'reused');
    const results = new Map(
      (
        await deps.results.byHashes(
          finished.map((job) => job.key_hash),
          trx,
        )
      ).map((row) => [row.key_hash, row.result]),
    );
    for (const job of finished) {
      // A candidate's fork of a scenario counts for the suite scenario it stands for.
      const side = job.suite_scenario_hash === gateRun.to_hash ? candidate : current;
      const scores = results.get(job.key_hash)?.scores as Record<string, ScoreValue> | undefined;
      if (side === null || scores === undefined) continue;
      for (const [score, value] of Object.entries(scores)) {
        const n = typeof value === 'boolean' ? (value ? 1 : 0) : value;
        if (typeof n !== 'number') continue;
        side.set(score, [...(side.get(score) ?? []), n]);
      }
    }
  }
  return decideGate(
    gate.thresholds as GateThreshold[],
    { current, candidate },
    compileStatsOptions(stats),
  );
}

async function now(trx: Knex.Transaction): Promise<Date> {
  const result = await trx.raw<{ rows: Array<{ now: Date }> }>(
    `select date_trunc('milliseconds', clock_timestamp()) as now`,
  );
  const at = result.rows[0]?.now;
  if (at === undefined) throw new Error('clock_timestamp() returned no row');
  return at;
}

/** A gate run as the wire shows it, with its evaluation run's status. */
export function toWireGateRun(row: GateRunRow, runStatus: string): GateRun {
  return {
    run_id: Number(row.run_id),
    name: row.name,
    gate_version: row.gate_version,
    from_hash: row.from_hash,
    to_hash: row.to_hash,
    decision: row.decision,
    run_status: runStatus as GateRun['run_status'],
    scores: (row.report?.scores ?? []) as GateRun['scores'],
    checks: (row.report?.checks ?? []) as GateRun['checks'],
    reasons: row.report?.reasons ?? [],
    actor: row.actor,
    created_at: row.created_at.toISOString(),
    decided_at: row.decided_at === null ? null : row.decided_at.toISOString(),
  };
}
