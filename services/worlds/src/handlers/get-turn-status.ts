import { notFound, type GetTurnStatusReply, type GetTurnStatusRequest } from '@crucible/contracts';
import { longPollUntil, type RpcContext } from '@crucible/messaging';
import type { AttemptRow, UsageTotals } from '../store/rows';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/**
 * How often a waiting get_turn_status looks again; an attempt finished by
 * this replica's worker wakes it at once, so while this replica runs the
 * attempt the wait looks again only every LOCAL_WAIT_POLL_MS (in case the
 * lease is lost to another replica), not a query every 25 ms for the turn.
 */
const WAIT_POLL_MS = 25;
const LOCAL_WAIT_POLL_MS = 500;

/**
 * get_turn_status: an attempt's status, produced turn, duration, failure and
 * the LLM usage of the turn it produced (or is producing). With `wait_ms`,
 * answers as soon as the attempt has finished, or when the wait is over (cut
 * short to answer before the caller's deadline).
 */
export async function getTurnStatus(
  deps: WorldsDeps,
  request: GetTurnStatusRequest,
  ctx: Pick<RpcContext, 'deadline'>,
): Promise<GetTurnStatusReply> {
  // The world and the attempt in one read; no live world: liveWorld says why.
  const found = await deps.turns.liveWorldAttempt(request.world_slug, request.attempt_id);
  const world = found?.world ?? (await liveWorld(deps, request.world_slug));
  const deadline = longPollUntil(request.wait_ms, ctx.deadline);
  let attempt = found?.attempt ?? notFoundAttempt(request.attempt_id);
  // Committed by this replica's worker: the attempt and its usage as the commit left them.
  let committedHere: UsageTotals | undefined;
  while (!finished(attempt) && Date.now() < deadline) {
    const poll = deps.attemptRunningHere(attempt.id) ? LOCAL_WAIT_POLL_MS : WAIT_POLL_MS;
    const here = await deps.attemptFinished(attempt.id, Math.min(poll, deadline - Date.now()));
    if (here !== undefined && here.attempt.world_id === world.id) {
      attempt = here.attempt;
      committedHere = here.usage;
      break;
    }
    attempt = await read(deps, world.id, request.attempt_id);
  }
  const turn = attempt.produced_turn ?? attempt.target_turn;
  const usage =
    committedHere ??
    (turn === null
      ? { calls: 0, input_tokens: 0, output_tokens: 0, latency_ms: 0 }
      : await deps.calls.usage({
          segments: [{ world_id: world.id, from: turn, to: turn }],
        }));
  return {
    world_slug: world.slug,
    attempt_id: attempt.id,
    status: attempt.status,
    produced_turn: attempt.produced_turn,
    duration_ms: attempt.duration_ms,
    failure_reason: attempt.failure === null ? null : attempt.failure.message,
    failure: attempt.failure,
    usage,
  };
}

function finished(attempt: AttemptRow): boolean {
  return attempt.status === 'committed' || attempt.status === 'failed';
}

async function read(deps: WorldsDeps, worldId: number, id: number): Promise<AttemptRow> {
  return (await deps.turns.attempt(worldId, id)) ?? notFoundAttempt(id);
}

function notFoundAttempt(id: number): never {
  throw notFound(`no attempt ${id} of this world`, {
    path: '/attempt_id',
    reason: 'attempt_not_found',
  });
}
