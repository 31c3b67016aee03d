import type { RunTurnReply, RunTurnRequest } from '@crucible/contracts';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/**
 * run_turn: queues one attempt per turn asked and answers at once. Workers
 * of any replica run a world's attempts one at a time, in id order.
 */
export async function runTurn(deps: WorldsDeps, request: RunTurnRequest): Promise<RunTurnReply> {
  const ids = await deps.store.transaction(async (trx) => {
    // Shares the row lock with delete_world: no attempt is queued for a world being deleted.
    const world = await liveWorld(deps, request.world_slug, '/world_slug', trx, { lock: true });
    return deps.turns.enqueue(world.id, request.turns ?? 1, trx);
  });
  deps.wakeWorker();
  const attempts = ids.map((id) => ({ attempt_id: id, status: 'queued' as const }));
  return { attempt_id: ids[0] as number, status: 'queued', attempts };
}
