import {
  invalidArgument,
  isCrucibleError,
  notFound,
  type BindNameGateReply,
  type BindNameGateRequest,
  type CheckNameGateReply,
  type CheckNameGateRequest,
  type GateRun,
  type GateThreshold,
  type GetGateRunRequest,
  type GetNameGateRequest,
  type NameGate,
  type NameGateChangedV1,
  type StartGateRunReply,
  type StartGateRunRequest,
  type UnbindNameGateReply,
  type UnbindNameGateRequest,
} from '@crucible/contracts';
import { canonicalJson } from '@crucible/hashing';
import type { OutboxRow, RpcContext } from '@crucible/messaging';
import { thresholdProblem } from '../domain/gate-decision';
import { recordNotFound } from '../domain/record-errors';
import { RECORD_SPECS } from '../domain/record-kinds';
import { readRunPlan, type RunPlan } from '../domain/run-plan';
import { scoreConfigOf } from '../domain/scorer-config';
import { decideGateRun, toWireGateRun } from '../flows/gate-decisions';
import { storeRun } from '../flows/store-run';
import { scenarioOfHash, type ResolvedScenario } from '../flows/suite-scenarios';
import type { ExperimentRow } from '../store/registry-store';
import type { GateRunRow, NameGateRow } from '../store/gate-store';
import type { EvaluationDeps } from './deps';

/**
 * bind_name_gate (docs/services/evaluation.md, "Eval-gated promotion"): the
 * experiment must have a valid run plan and every threshold must name a
 * numeric or boolean score of its scorers. The names service is told first
 * that the name is gated (it then asks check_name_gate before moving it),
 * then the new version is stored with its event; the same gate again
 * changes nothing.
 */
export async function bindNameGate(
  deps: EvaluationDeps,
  request: BindNameGateRequest,
  ctx: RpcContext,
): Promise<BindNameGateReply> {
  const experiment = await deps.registry.experimentById(request.experiment_id);
  if (experiment === undefined) {
    throw recordNotFound('experiment', request.experiment_id, '/experiment_id');
  }
  const plan = planOf(experiment, '/experiment_id');
  const problem = thresholdProblem(request.thresholds, scoreConfigOf(plan.scorers).scores);
  if (problem !== null) throw problem;
  const wanted = { experiment_id: String(request.experiment_id), thresholds: request.thresholds };
  const before = await deps.gates.latest(request.name);
  if (before !== undefined && sameGate(before, wanted)) {
    return { gate: toWireGate(before), changed: false };
  }
  // Before the gate exists: a move the names service lets through meanwhile
  // finds no gate bound here and was made before the binding.
  await deps.names.markGated(request.name, true, ctx);
  return deps.store.transaction(async (trx) => {
    await deps.gates.lockName(request.name, trx);
    const latest = await deps.gates.latest(request.name, trx);
    if (latest !== undefined && sameGate(latest, wanted)) {
      return { gate: toWireGate(latest), changed: false };
    }
    const row = await deps.gates.insertVersion(
      {
        name: request.name,
        version: (latest?.version ?? 0) + 1,
        bound: true,
        experiment_id: wanted.experiment_id,
        thresholds: request.thresholds,
        note: request.note ?? null,
        actor: ctx.principal ?? null,
      },
      trx,
    );
    await deps.store.enqueue([gateChangedEvent(deps, ctx, row)], trx);
    return { gate: toWireGate(row), changed: true };
  });
}

/**
 * unbind_name_gate: a new version lifts the gate, then the names service is
 * told the name is not gated (also when it was not bound here: a retry after
 * the names service did not answer clears its mark). Until then the names
 * service still asks, and is answered that the name is not gated.
 */
export async function unbindNameGate(
  deps: EvaluationDeps,
  request: UnbindNameGateRequest,
  ctx: RpcContext,
): Promise<UnbindNameGateReply> {
  const result = await deps.store.transaction(async (trx) => {
    await deps.gates.lockName(request.name, trx);
    const latest = await deps.gates.latest(request.name, trx);
    if (latest === undefined || !latest.bound) return { row: latest, changed: false };
    const row = await deps.gates.insertVersion(
      {
        name: request.name,
        version: latest.version + 1,
        bound: false,
        experiment_id: null,
        thresholds: [],
        note: request.note ?? null,
        actor: ctx.principal ?? null,
      },
      trx,
    );
    await deps.store.enqueue([gateChangedEvent(deps, ctx, row)], trx);
    return { row, changed: true };
  });
  await deps.names.markGated(request.name, false, ctx);
  return {
    name: request.name,
    gate: result.row === undefined ? null : toWireGate(result.row),
    changed: result.changed,
  };
}

/** get_name_gate: the latest version of a name's gate, or the one asked for. */
export async function getNameGate(
  deps: EvaluationDeps,
  request: GetNameGateRequest,
): Promise<NameGate> {
  const row =
    request.version === undefined
      ? await deps.gates.latest(request.name)
      : await deps.gates.version(request.name, request.version);
  if (row === undefined) {
    const path = request.version === undefined ? '/name' : '/version';
    throw notFound(
      request.version === undefined
        ? `${request.name} has never had a gate`
        : `${request.name} has no gate version ${request.version}`,
      { reason: 'name_gate_not_found', path, name: request.name },
    );
  }
  return toWireGate(row);
}

/**
 * start_gate_run: the gate's experiment (its candidates, turns, seeds and
 * scorers) over the name's current scenario and the candidate, as an
 * evaluation run; results already stored are reused, so a run whose every
 * result is stored is decided at once.
 */
export async function startGateRun(
  deps: EvaluationDeps,
  request: StartGateRunRequest,
  ctx: RpcContext,
): Promise<StartGateRunReply> {
  const gate = await deps.gates.latest(request.name);
  if (gate === undefined || !gate.bound || gate.experiment_id === null) {
    throw notFound(`${request.name} is not bound to a gate`, {
      reason: 'name_not_gated',
      path: '/name',
      name: request.name,
    });
  }
  const experimentId = Number(gate.experiment_id);
  const experiment = await deps.registry.experimentById(experimentId);
  if (experiment === undefined) throw recordNotFound('experiment', experimentId, '/name');
  // A gate run is an evaluation run: it costs what start_run costs, under the same rules.
  await deps.governance.authorize(
    {
      work: 'start_run',
      ...(request.directive_id !== undefined && { directive_id: request.directive_id }),
      subject: `name/${request.name}`,
    },
    ctx,
  );
  const plan = planOf(experiment, '/name');
  const from = await deps.names.current(request.name, ctx);
  if (from === request.candidate_hash) {
    throw invalidArgument(
      '/candidate_hash',
      'same_scenario',
      `/candidate_hash: ${request.name} points at ${from} already; a gate compares another scenario with it`,
      { name: request.name },
    );
  }
  const candidate = await resolve(deps, request.candidate_hash, '/candidate_hash', ctx);
  const scenarios =
    from === null ? [candidate] : [await resolve(deps, from, '/name', ctx), candidate];
  const stored = await storeRun(
    deps,
    {
      experiment: { id: experimentId, hash: experiment.hash },
      projectId: Number(experiment.project_id),
      plan,
      scenarios,
      ...(request.directive_id !== undefined && { directiveId: request.directive_id }),
      alongside: async (run, trx) => {
        await deps.gates.insertRun(
          {
            run_id: run.id,
            name: request.name,
            gate_version: gate.version,
            from_hash: from,
            to_hash: request.candidate_hash,
            decision: 'pending',
            actor: ctx.principal ?? null,
          },
          trx,
        );
        const cause = { causationId: ctx.requestId, correlationId: ctx.correlationId };
        return decideGateRun(deps, run.id, run.status, cause, trx);
      },
    },
    ctx,
  );
  const runId = Number(stored.run.id);
  const row = await deps.gates.run(runId);
  if (row === undefined) throw new Error(`gate run ${runId} vanished after it was stored`);
  return {
    gate_run: toWireGateRun(row, String(stored.run.status)),
    jobs: stored.jobs,
    reused: stored.reused,
    to_run: stored.toRun,
  };
}

/** How often a waiting get_gate_run looks again. */
const WAIT_POLL_MS = 50;

/** get_gate_run: a gate run and its decision; with `wait_ms`, answers once it is decided or the wait is over. */
export async function getGateRun(
  deps: EvaluationDeps,
  request: GetGateRunRequest,
): Promise<GateRun> {
  const deadline = Date.now() + (request.wait_ms ?? 0);
  for (;;) {
    const row = await deps.gates.run(request.run_id);
    if (row === undefined) {
      throw notFound(`no gate run ${request.run_id}`, {
        reason: 'gate_run_not_found',
        path: '/run_id',
        id: request.run_id,
      });
    }
    if (row.decision !== 'pending' || Date.now() >= deadline) return wireGateRun(deps, row);
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
}

/**
 * check_name_gate (for the names service): whether the name is gated now,
 * and the gate run that speaks for this move: the one asked for, else the
 * passing run of this move under the current version, else its latest run.
 * The names service judges it (docs/services/names.md, "Gated names").
 */
export async function checkNameGate(
  deps: EvaluationDeps,
  request: CheckNameGateRequest,
): Promise<CheckNameGateReply> {
  const gate = await deps.gates.latest(request.name);
  if (gate === undefined || !gate.bound) {
    return { name: request.name, gated: false, gate_version: null, gate_run: null };
  }
  let row: GateRunRow | undefined;
  if (request.gate_run_id !== undefined) row = await deps.gates.run(request.gate_run_id);
  else {
    [row] = await deps.gates.runsOfMove(
      { name: request.name, version: gate.version, from: request.from_hash, to: request.to_hash },
      1,
    );
  }
  return {
    name: request.name,
    gated: true,
    gate_version: gate.version,
    gate_run: row === undefined ? null : await wireGateRun(deps, row),
  };
}

async function wireGateRun(deps: EvaluationDeps, row: GateRunRow): Promise<GateRun> {
  const run = await deps.store.get(RECORD_SPECS.run, Number(row.run_id));
  return toWireGateRun(row, typeof run?.status === 'string' ? run.status : 'pending');
}

function planOf(experiment: ExperimentRow, path: string): RunPlan {
  const read = readRunPlan(experiment.experiment as { pipeline: unknown[] });
  if (read.ok) return read.plan;
  throw invalidArgument(
    path,
    'invalid_run_plan',
    `experiment ${experiment.id} has no valid run plan: ${read.problems
      .map((p) => `${p.path}: ${p.message}`)
      .join('; ')}`,
    { problems: read.problems },
  );
}

async function resolve(
  deps: EvaluationDeps,
  hash: string,
  path: string,
  ctx: RpcContext,
): Promise<ResolvedScenario> {
  try {
    return await scenarioOfHash(deps, hash, ctx);
  } catch (error) {
    if (isCrucibleError(error) && error.code === 'not_found') {
      throw notFound(`no scenario with hash ${hash}`, { reason: 'scenario_not_found', path, hash });
    }
    throw error;
  }
}

function sameGate(
  row: NameGateRow,
  wanted: { experiment_id: string; thresholds: readonly GateThreshold[] },
): boolean {
  return (
    row.bound &&
    String(row.experiment_id) === wanted.experiment_id &&
    canonicalJson(row.thresholds) === canonicalJson(wanted.thresholds)
  );
}

function toWireGate(row: NameGateRow): NameGate {
  return {
    name: row.name,
    version: row.version,
    bound: row.bound,
    experiment_id: row.experiment_id === null ? null : Number(row.experiment_id),
    thresholds: row.thresholds as GateThreshold[],
    note: row.note,
    actor: row.actor,
    changed_at: row.changed_at.toISOString(),
  };
}

function gateChangedEvent(deps: EvaluationDeps, ctx: RpcContext, row: NameGateRow): OutboxRow {
  const data: NameGateChangedV1 = {
    name: row.name,
    version: row.version,
    bound: row.bound,
    experiment_id: row.experiment_id === null ? null : Number(row.experiment_id),
    actor: row.actor,
    changed_at: row.changed_at.toISOString(),
  };
  return deps.events.event('evaluation.name_gate_changed', data, {
    key: `name-gate/${row.name}`,
    causationId: ctx.requestId,
    correlationId: ctx.correlationId,
    occurredAt: row.changed_at,
  });
}
