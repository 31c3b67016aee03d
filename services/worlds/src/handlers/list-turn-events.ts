import type { ListTurnEventsReply, ListTurnEventsRequest } from '@crucible/contracts';
import { cutPage, decodeCursor, DEFAULT_PAGE_LIMIT, encodeCursor } from '../domain/page';
import { turnSegments } from '../domain/world-chain';
import { pagedEventData } from '../domain/world-page';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/**
 * list_turn_events: a world's audit events in turn and write order (a fork's
 * earlier turns are its parent's, a failed attempt's are under the turn it
 * would have produced), by turn and kind, paged. An event too large for a
 * page has its growable texts cut (`truncated`, see pagedEventData).
 */
export async function listTurnEvents(
  deps: WorldsDeps,
  request: ListTurnEventsRequest,
): Promise<ListTurnEventsReply> {
  const world = await liveWorld(deps, request.world_slug);
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const after =
    request.cursor === undefined
      ? undefined
      : decodeCursor(request.cursor, ['number', 'number'], '/cursor');
  // The world's own segment is open-ended: a failed attempt's events sit
  // under the turn it would have produced, past the current one.
  const segments = turnSegments(await deps.store.chain(world.id));
  const rows = await deps.turns.events({
    segments,
    ...(request.turn === undefined ? {} : { turn: request.turn }),
    ...(request.kind === undefined ? {} : { kind: request.kind }),
    ...(after === undefined
      ? {}
      : { after: { turn: after[0] as number, seq: after[1] as number } }),
    limit: limit + 1,
  });
  const events = rows.map((r) => {
    // An agent's memory and an environment's text grow every turn: an event
    // whose copies of them outgrew EVENT_MAX_BYTES gives their recent parts.
    const { data, cuts } = pagedEventData(r.data);
    return {
      turn: r.turn,
      seq: r.seq,
      kind: r.kind,
      agent_id: r.agent_id,
      data,
      ...(cuts.length > 0 ? { truncated: cuts } : {}),
      recorded_at: new Date(r.recorded_at).toISOString(),
    };
  });
  const page = cutPage(events, limit, deps.maxReplyBytes);
  const last = page.items[page.items.length - 1];
  return {
    events: page.items,
    ...(page.more && last ? { next_cursor: encodeCursor([last.turn, last.seq]) } : {}),
  };
}
