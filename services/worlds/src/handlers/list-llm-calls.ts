import type { ListLlmCallsReply, ListLlmCallsRequest } from '@crucible/contracts';
import { cutPage, decodeCursor, DEFAULT_PAGE_LIMIT, encodeCursor } from '../domain/page';
import { turnSegments } from '../domain/world-chain';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/**
 * list_llm_calls: the calls a world's turns made (a fork's earlier turns are
 * its parent's), by turn, agent, phase and cognition profile, with the
 * filter's totals (tokens and latency per call, turn, world or profile).
 */
export async function listLlmCalls(
  deps: WorldsDeps,
  request: ListLlmCallsRequest,
): Promise<ListLlmCallsReply> {
  const world = await liveWorld(deps, request.world_slug);
  const limit = request.limit ?? DEFAULT_PAGE_LIMIT;
  const after =
    request.cursor === undefined
      ? undefined
      : decodeCursor(request.cursor, ['number', 'string', 'string'], '/cursor');
  const chain = await deps.store.chain(world.id);
  const filter = {
    segments: turnSegments(chain),
    ...(request.turn === undefined ? {} : { turn: request.turn }),
    ...(request.agent_id === undefined ? {} : { agent_id: request.agent_id }),
    ...(request.phase === undefined ? {} : { phase: request.phase }),
    ...(request.profile === undefined ? {} : { profile: request.profile }),
  };
  const [rows, usage] = await Promise.all([
    deps.calls.list(
      filter,
      after === undefined
        ? undefined
        : { turn: after[0] as number, recorded_at: after[1] as string, hash: after[2] as string },
      limit + 1,
    ),
    deps.calls.usage(filter),
  ]);
  const slugs = new Map<number, string>();
  for (const link of chain) {
    const row = link.id === world.id ? world : await deps.store.worldById(link.id);
    if (row) slugs.set(link.id, row.slug);
  }
  const calls = rows.map((r) => ({
    hash: r.hash,
    world_slug: slugs.get(r.world_id) ?? world.slug,
    turn: r.turn,
    agent_id: r.agent_id,
    phase: r.phase,
    provider: r.provider,
    model: r.model,
    input_tokens: r.input_tokens,
    output_tokens: r.output_tokens,
    latency_ms: r.latency_ms,
    recorded_at: new Date(r.recorded_at).toISOString(),
  }));
  const page = cutPage(calls, limit, deps.maxReplyBytes);
  const last = page.items[page.items.length - 1];
  return {
    calls: page.items,
    usage,
    ...(page.more && last
      ? { next_cursor: encodeCursor([last.turn, last.recorded_at, last.hash]) }
      : {}),
  };
}
