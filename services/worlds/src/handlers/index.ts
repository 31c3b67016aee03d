import type { RpcServer } from '@crucible/messaging';
import { cancelTurns } from './cancel-turns';
import { createWorldHandler } from './create-world';
import { deleteWorld } from './delete-world';
import type { WorldsDeps } from './deps';
import { forkWorld } from './fork-world';
import { getLlmCall } from './get-llm-call';
import { getTurnStatus } from './get-turn-status';
import { getWorld } from './get-world';
import { listLlmCalls } from './list-llm-calls';
import { listTurnEvents } from './list-turn-events';
import { listWorlds } from './list-worlds';
import { replayWorld, type ReplaySettings } from './replay-world';
import { runTurn } from './run-turn';

/** Binds every operation of the worlds service to its handler. */
export function registerHandlers(
  server: RpcServer,
  deps: WorldsDeps,
  replay: ReplaySettings,
): void {
  server
    .handle('create_world', (r, ctx) => createWorldHandler(deps, r, ctx))
    .handle('list_worlds', (r) => listWorlds(deps, r))
    .handle('get_world', (r, ctx) => getWorld(deps, r, ctx))
    .handle('delete_world', (r, ctx) => deleteWorld(deps, r, ctx))
    .handle('run_turn', (r, ctx) => runTurn(deps, r, ctx))
    .handle('cancel_turns', (r) => cancelTurns(deps, r))
    .handle('get_turn_status', (r, ctx) => getTurnStatus(deps, r, ctx))
    .handle('list_turn_events', (r) => listTurnEvents(deps, r))
    .handle('fork_world', (r, ctx) => forkWorld(deps, r, ctx))
    .handle('replay_world', (r, ctx) => replayWorld(deps, replay, r, ctx))
    .handle('list_llm_calls', (r) => listLlmCalls(deps, r))
    .handle('get_llm_call', (r) => getLlmCall(deps, r));
}
