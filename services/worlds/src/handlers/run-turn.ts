import type { RunTurnReply, RunTurnRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/**
 * run_turn: queues one attempt per turn asked and answers at once. Workers
 * of any replica run a world's attempts one at a time, in id order.
 * Governance is asked first (authorize_work): a directive the policy
 * requires, a directive not approved or with its budget spent, refuses the
 * request with nothing queued.
 */
export async function runTurn(
  deps: WorldsDeps,
  request: RunTurnRequest,
  ctx: Pick<RpcContext, 'correlationId' | 'principal'>,
): Promise<RunTurnReply> {
  await deps.governance.authorize(
    {
      work: 'run_turn',
      ...(request.directive_id === undefined ? {} : { directive_id: request.directive_id }),
      subject: request.world_slug,
    },
    ctx.correlationId,
  );
  const count = request.turns ?? 1;
  const principal = ctx.principal ?? null;
  // One statement (the world's row lock, the attempts, their directive); no
  // live world: the transaction below answers why (or queues, if it appeared since).
  const ids =
    (await deps.turns.queue(request.world_slug, count, principal, request.directive_id)) ??
    (await queueChecked(deps, request, count, principal));
  deps.wakeWorker();
  const attempts = ids.map((id) => ({ attempt_id: id, status: 'queued' as const }));
  return { attempt_id: ids[0] as number, status: 'queued', attempts };
}

/** run_turn's writes step by step: a world that is not live is not_found (deleted or never made). */
function queueChecked(
  deps: WorldsDeps,
  request: RunTurnRequest,
  count: number,
  principal: string | null,
): Promise<number[]> {
  return deps.store.transaction(async (trx) => {
    // Shares the row lock with delete_world: no attempt is queued for a world being deleted.
    const world = await liveWorld(deps, request.world_slug, '/world_slug', trx, { lock: true });
    const queued = await deps.turns.enqueue(world.id, count, trx, principal);
    if (request.directive_id !== undefined) {
      await deps.attemptDirectives.put(queued, request.directive_id, trx);
    }
    return queued;
  });
}
