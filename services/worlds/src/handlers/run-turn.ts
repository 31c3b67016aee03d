import { conflict, type RunTurnReply, type RunTurnRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { QueuedTurns } from '../store/turn-store';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/**
 * run_turn: queues one attempt per turn asked and answers at once. Workers
 * of any replica run a world's attempts one at a time, in id order. With a
 * request_key, a repeat queues nothing and answers the first one's attempts.
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
    ctx,
  );
  const count = request.turns ?? 1;
  const principal = ctx.principal ?? null;
  // One statement (the world's row lock, the key, the attempts, their directive); nothing
  // written and found: the transaction below answers why (or queues, if the world appeared since).
  const queued =
    (await deps.turns.queue(
      request.world_slug,
      count,
      principal,
      request.directive_id,
      request.request_key,
    )) ?? (await queueChecked(deps, request, count, principal));
  if (queued.repeatOf !== undefined) refuseOtherRepeat(request, count, queued.repeatOf);
  else deps.wakeWorker();
  const attempts = queued.ids.map((id) => ({ attempt_id: id, status: 'queued' as const }));
  return { attempt_id: queued.ids[0] as number, status: 'queued', attempts };
}

/** A request key used again is the same request: other turns or another directive are refused. */
function refuseOtherRepeat(
  request: RunTurnRequest,
  count: number,
  earlier: NonNullable<QueuedTurns['repeatOf']>,
): void {
  const directive = request.directive_id ?? null;
  if (earlier.turns === count && earlier.directive_id === directive) return;
  throw conflict(
    `request_key ${JSON.stringify(request.request_key)} queued ${earlier.turns} turn(s) of this world ${
      earlier.directive_id === null
        ? 'with no directive'
        : `under directive ${earlier.directive_id}`
    } already; a repeat must ask the same`,
    {
      reason: 'request_key_reused',
      path: '/request_key',
      turns: earlier.turns,
      directive_id: earlier.directive_id,
    },
  );
}

/** run_turn's writes step by step: a world that is not live is not_found (deleted or never made). */
function queueChecked(
  deps: WorldsDeps,
  request: RunTurnRequest,
  count: number,
  principal: string | null,
): Promise<QueuedTurns> {
  return deps.store.transaction(async (trx) => {
    // Shares the row lock with delete_world: no attempt is queued for a world being deleted.
    const world = await liveWorld(deps, request.world_slug, '/world_slug', trx, { lock: true });
    const key = request.request_key;
    if (key !== undefined) {
      // Read after the lock: a request with this key that committed meanwhile is seen.
      const earlier = await deps.turns.requested(world.id, key, trx);
      if (earlier !== undefined) return earlier;
      await deps.turns.insertRequest(world.id, key, count, request.directive_id, trx);
    }
    const ids = await deps.turns.enqueue(world.id, count, trx, principal, key ?? null);
    if (request.directive_id !== undefined) {
      await deps.attemptDirectives.put(ids, request.directive_id, trx);
    }
    return { ids };
  });
}
