import type { Mind } from '@crucible/minds';
import { adjudicate, agentProfile, checkAgentEnvironment, intend, perceive } from './agent-steps';
import { indexByEnvironment } from './render';
import { advanceSimulationTime } from './simulation-time';
import {
  StepFailed,
  TurnContext,
  compileKernelOptions,
  stepFailed,
  type KernelOptions,
} from './turn-context';
import type { AuditEvent, IntentFormed, PerceptionEmitted, TurnOutcome } from './turn-outcome';
import { agentOf, deepFreeze, sortedKeys, type WorldState } from './world-state';

/**
 * Runs one turn of `state` (docs/services/worlds-kernel.md): every agent,
 * in id order, perceives, intends and is adjudicated, and the adjudications
 * are applied; then the clock moves one chronon and the turn number one.
 * The turn commits whole (a new state; `state` is never touched) or fails
 * with nothing applied. Deterministic: the same state and the same mind
 * answers give the same requests, events and next state. Rejects only when
 * the mind throws something other than a MindError (the caller's own
 * failure) or the options are a caller's bug (RangeError).
 */
export async function runTurn(
  state: WorldState,
  mind: Mind,
  options: KernelOptions,
): Promise<TurnOutcome> {
  const compiled = compileKernelOptions(options);
  const context = new TurnContext(state, mind, compiled, indexByEnvironment(state));
  const events: AuditEvent[] = [];
  try {
    const agentIds = sortedKeys(state.entities).filter(
      (id) => agentOf(state.entities[id]!) !== undefined,
    );
    // Every agent's profile and environment up front: a world that cannot
    // run fails before any call is paid for.
    for (const id of agentIds) {
      agentProfile(state, id);
      checkAgentEnvironment(state, id);
    }
    const world =
      compiled.engine === 'sequential'
        ? await runSequential(context, agentIds, events)
        : await runSimultaneous(context, agentIds, events);
    const time = advanceSimulationTime(world.simulation_time, world.chronon_seconds);
    if (time === undefined) {
      throw stepFailed(
        'time_out_of_range',
        '',
        'apply',
        `the simulation clock cannot move past ${world.simulation_time} by ${world.chronon_seconds} s: RFC 3339 ends at year 9999`,
      );
    }
    return {
      status: 'committed',
      state: deepFreeze({ ...world, turn: world.turn + 1, simulation_time: time }),
      events,
    };
  } catch (error: unknown) {
    if (error instanceof StepFailed) return { status: 'failed', failure: error.failure, events };
    throw error;
  } finally {
    context.close();
  }
}

/** Each agent perceives, intends and is applied before the next one starts. */
async function runSequential(
  context: TurnContext,
  agentIds: readonly string[],
  events: AuditEvent[],
): Promise<WorldState> {
  let world = context.start;
  for (const id of agentIds) {
    const perception = await perceive(context, world, id);
    events.push(perception);
    const intent = await intend(context, world, id, perception.perception);
    events.push(intent);
    const adjudicated = await adjudicate(context, world, id, intent.intent);
    events.push(adjudicated.event);
    world = adjudicated.state;
  }
  return world;
}

/**
 * Every agent perceives and intends against the turn's starting state, at
 * most `maxConcurrency` agents at once; the adjudications then run one by
 * one in id order, each against the state the previous ones left. Events
 * keep id order whatever order the calls finish in.
 */
async function runSimultaneous(
  context: TurnContext,
  agentIds: readonly string[],
  events: AuditEvent[],
): Promise<WorldState> {
  const minds = await perceiveAndIntendAll(context, agentIds, events);
  let world = context.start;
  for (const [position, id] of agentIds.entries()) {
    const adjudicated = await adjudicate(context, world, id, minds[position]!.intent);
    events.push(adjudicated.event);
    world = adjudicated.state;
  }
  return world;
}

interface AgentMind {
  perception?: PerceptionEmitted;
  intent?: IntentFormed;
}

/**
 * The simultaneous engine's first half. On a failure no further agent
 * starts and the calls in flight are cancelled; once all have settled the
 * turn fails with the failure of the lowest agent id that failed on its own
 * (not by that cancellation), and `events` gets every perception and
 * intention that did complete, in id order.
 */
async function perceiveAndIntendAll(
  context: TurnContext,
  agentIds: readonly string[],
  events: AuditEvent[],
): Promise<Array<{ intent: string }>> {
  const results: AgentMind[] = agentIds.map(() => ({}));
  const failures = new Map<number, StepFailed>();
  let cancelled = false;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!cancelled && next < agentIds.length) {
      const position = next;
      next += 1;
      const id = agentIds[position]!;
      const result = results[position]!;
      try {
        result.perception = await perceive(context, context.start, id);
        result.intent = await intend(context, context.start, id, result.perception.perception);
      } catch (error: unknown) {
        if (!(error instanceof StepFailed)) {
          cancelled = true;
          context.cancel();
          throw error;
        }
        const induced =
          cancelled &&
          error.failure.code === 'mind_failed' &&
          error.failure.mind_failure?.kind === 'aborted';
        if (!induced) failures.set(position, error);
        if (!cancelled) {
          cancelled = true;
          context.cancel();
        }
      }
    }
  };
  const workers = Array.from(
    { length: Math.min(context.options.maxConcurrency, agentIds.length) },
    worker,
  );
  const settled = await Promise.allSettled(workers);
  for (const result of results) {
    if (result.perception !== undefined) events.push(result.perception);
    if (result.intent !== undefined) events.push(result.intent);
  }
  const crashed = settled.find((outcome) => outcome.status === 'rejected');
  if (crashed !== undefined) throw crashed.reason;
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()))!;
  return results.map((result) => ({ intent: result.intent!.intent }));
}
