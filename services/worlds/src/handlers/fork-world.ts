import { invalidArgument, type ForkWorldReply, type ForkWorldRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { insertWorld } from '../flows/create-world';
import { resolveScenario } from '../flows/scenario-ref';
import { encodeState } from '../flows/state-codec';
import { readTurnState } from '../flows/world-states';
import { defaultWorldName, worldMeta } from '../flows/world-view';
import type { StoredState } from '../store/rows';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/**
 * fork_world: a new world whose turns up to `turn` are the source's, read
 * through parent_id (nothing copied: the cost is one row whatever the turn or
 * the number of agents). It runs on from `turn` with its own rows, never
 * touching the source's. With `scenario_ref`, that scenario's cognition
 * profiles replace the world's from the fork on: the fork gets its own state
 * at `turn` with the new profiles (a counterfactual), written as its own row.
 * Governance is asked first (authorize_work, work `fork_world`), as for
 * create_world: a fork makes no LLM call, but it makes a world that runs
 * (its turns are checked and charged by run_turn under a directive).
 */
export async function forkWorld(
  deps: WorldsDeps,
  request: ForkWorldRequest,
  ctx: RpcContext,
): Promise<ForkWorldReply> {
  await deps.governance.authorize(
    {
      work: 'fork_world',
      ...(request.directive_id === undefined ? {} : { directive_id: request.directive_id }),
      subject: request.slug,
    },
    ctx,
  );
  const source = await liveWorld(deps, request.world_slug);
  const { state } = await readTurnState(deps, source, request.turn);
  const counterfactual =
    request.scenario_ref === undefined
      ? undefined
      : await resolveScenario(deps, request.scenario_ref, '/scenario_ref', ctx);
  let replaced: StoredState | undefined;
  if (counterfactual) {
    const profiles = counterfactual.scenario.cognition_profiles;
    const used = Object.values(state.entities).flatMap((e) =>
      e.kind === 'prop' ? [] : [e.kind.agent.cognition_profile],
    );
    const missing = used.find((label) => profiles[label] === undefined);
    if (missing !== undefined) {
      throw invalidArgument(
        '/scenario_ref',
        'profile_not_bound',
        `/scenario_ref: the scenario binds no cognition profile "${missing}", which an agent of the world uses`,
      );
    }
    replaced = encodeState({ ...state, cognition_profiles: { ...profiles } });
  }
  const scenario = counterfactual ?? {
    hash: source.scenario_hash,
    scenario: source.scenario_snapshot as ForkWorldReply['scenario_snapshot'],
    ref: { kind: source.scenario_ref_kind, value: source.scenario_ref_value },
  };
  const row = await insertWorld(
    deps,
    {
      slug: request.slug,
      name: request.name ?? defaultWorldName(scenario.scenario.scenario_slug, request.slug),
      scenario_hash: scenario.hash,
      scenario_label: scenario.scenario.scenario_slug,
      scenario_ref_kind: scenario.ref.kind,
      scenario_ref_value: scenario.ref.value,
      scenario_snapshot: scenario.scenario,
      mind: source.mind,
      engine: source.engine,
      parent_id: source.id,
      parent_slug: source.slug,
      fork_turn: request.turn,
      // A counterfactual owns its fork turn (the state with the new
      // profiles); a plain fork reads it from the source.
      parent_through: replaced ? request.turn - 1 : request.turn,
    },
    ctx,
    async (world, trx) => {
      if (!replaced) return;
      await deps.store.putState(replaced, trx);
      await deps.store.insertTurn(
        {
          world_id: world.id,
          turn: request.turn,
          state_hash: replaced.state_hash,
          attempt_id: null,
        },
        trx,
      );
    },
    { currentTurn: request.turn },
  );
  return worldMeta(row, { calls: 0, input_tokens: 0, output_tokens: 0, latency_ms: 0 });
}
