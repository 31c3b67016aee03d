import type { GetWorldReply, GetWorldRequest } from '@crucible/contracts';
import { turnSegments } from '../domain/world-chain';
import { readTurnState } from '../flows/world-states';
import { worldMeta } from '../flows/world-view';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/** get_world: meta, LLM usage, and the state at the current turn or any past one, exactly. */
export async function getWorld(deps: WorldsDeps, request: GetWorldRequest): Promise<GetWorldReply> {
  const world = await liveWorld(deps, request.world_slug);
  const { state, state_hash } = await readTurnState(deps, world, request.turn);
  const usage = await deps.calls.usage({
    segments: turnSegments(await deps.store.chain(world.id)),
  });
  return {
    world: worldMeta(world, usage),
    turn: state.turn,
    state_hash,
    simulation_time: state.simulation_time,
    environments: { ...state.environments },
    entities: Object.keys(state.entities)
      .sort()
      .map((id) => ({ ...state.entities[id]! })),
  };
}
