import type { CancelTurnsReply, CancelTurnsRequest } from '@crucible/contracts';
import type { TurnFailureRow } from '../store/rows';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/** The failure of an attempt stopped by cancel_turns. */
function cancelledFailure(slug: string): TurnFailureRow {
  return {
    code: 'turns_cancelled',
    agent_id: null,
    phase: null,
    message: `the turns of world ${slug} were cancelled`,
    complaints: [],
  };
}

/**
 * cancel_turns: fails the live world's queued and running attempts
 * (`turns_cancelled`); the world, its committed turns, audit events and LLM
 * calls stay readable (delete_world would make them 404). A running
 * attempt can no longer commit: its commit locks the attempt only while it
 * is still running. The attempts are updated without the world's row lock,
 * so a turn committing now is waited for (its attempt's lock, which the
 * commit takes after the world's) and not deadlocked with. Calling it again fails nothing.
 */
export async function cancelTurns(
  deps: WorldsDeps,
  request: CancelTurnsRequest,
): Promise<CancelTurnsReply> {
  const world = await liveWorld(deps, request.world_slug);
  const cancelled = await deps.turns.failUnfinished(world.id, cancelledFailure(world.slug));
  // Read after the update: a turn that committed while it waited is counted.
  const currentTurn = (await deps.store.currentTurn(world.id)) ?? world.current_turn;
  return { world_slug: world.slug, cancelled: cancelled.length, current_turn: currentTurn };
}
