import { invalidArgument, type GetWorldReply, type GetWorldRequest } from '@crucible/contracts';
import {
  decodeCursor,
  encodeCursor,
  pageBudget,
  pageBySize,
  type RpcContext,
} from '@crucible/messaging';
import { turnSegments } from '../domain/world-chain';
import { pagedEntity, type MemoryCut, type PagedEntity } from '../domain/world-page';
import { readTurnState } from '../flows/world-states';
import { worldMeta } from '../flows/world-view';
import { sortedKeys } from '../kernel';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/**
 * Where a get_world page ends: the world and turn read (a cursor never reads
 * another state) and the last item given, environments (by label) before
 * entities (by id).
 */
interface WorldPosition {
  readonly world: string;
  readonly turn: number;
  readonly after: readonly ['environment' | 'entity', string];
}

function isWorldPosition(value: unknown): value is WorldPosition {
  const v = value as Partial<WorldPosition> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.world === 'string' &&
    Number.isSafeInteger(v.turn) &&
    Array.isArray(v.after) &&
    v.after.length === 2 &&
    (v.after[0] === 'environment' || v.after[0] === 'entity') &&
    typeof v.after[1] === 'string'
  );
}

type Item =
  | { readonly kind: 'environment'; readonly label: string; readonly text: string }
  | { readonly kind: 'entity'; readonly id: string };

type PageItem =
  | Extract<Item, { kind: 'environment' }>
  | (Extract<Item, { kind: 'entity' }> & { readonly paged: PagedEntity });

/**
 * get_world: meta, LLM usage, and the state at the current turn or any past
 * one, exactly, a page at a time (docs/services/worlds.md, "Reading a
 * world"): environments by label, then entities by id, as many as `limit`
 * and the bus allow, with `next_cursor` when more follow. The cursor holds
 * the turn, so the pages of one read are of one state however the world
 * moves on. An agent too large for a page comes with the most recent part of
 * its memory, listed in `memory_truncated`.
 */
export async function getWorld(
  deps: WorldsDeps,
  request: GetWorldRequest,
  ctx: Pick<RpcContext, 'replyBudgetBytes'>,
): Promise<GetWorldReply> {
  const world = await liveWorld(deps, request.world_slug);
  const position =
    request.cursor === undefined
      ? undefined
      : decodeCursor(request.cursor, '/cursor', isWorldPosition);
  if (
    position !== undefined &&
    (position.world !== world.slug ||
      (request.turn !== undefined && request.turn !== position.turn))
  ) {
    throw invalidArgument(
      '/cursor',
      'invalid_cursor',
      '/cursor: issued for another world or turn (send the request that gave it, with the cursor)',
    );
  }
  const { state, state_hash } = await readTurnState(deps, world, position?.turn ?? request.turn);
  const usage = await deps.calls.usage({
    segments: turnSegments(await deps.store.chain(world.id)),
  });

  const items: Item[] = [
    ...sortedKeys(state.environments).map((label): Item => ({
      kind: 'environment',
      label,
      text: state.environments[label]!,
    })),
    ...sortedKeys(state.entities).map((id): Item => ({ kind: 'entity', id })),
  ];
  const from = position === undefined ? 0 : startAfter(items, position.after);
  // Entities as the page gives them, each measured once (memories cut to fit).
  const rest: PageItem[] = items
    .slice(from)
    .map((item) =>
      item.kind === 'environment'
        ? item
        : { ...item, paged: pagedEntity(state.entities[item.id]!) },
    );
  const frame = {
    world: worldMeta(world, usage),
    turn: state.turn,
    state_hash,
    simulation_time: state.simulation_time,
    environments: {},
    entities: [],
  };
  const page = pageBySize(rest, {
    budgetBytes: pageBudget(ctx.replyBudgetBytes, frame),
    ...(request.limit === undefined ? {} : { limit: request.limit }),
    // Each item with what it adds beside it (a memory cut's entry): a little
    // over its bytes in the reply, never under.
    encode: (item) =>
      item.kind === 'environment' ? [item.label, item.text] : [item.paged.entity, item.paged.cut],
  });

  const environments: Record<string, string> = {};
  const entities: GetWorldReply['entities'] = [];
  const cuts: MemoryCut[] = [];
  for (const item of page.items) {
    if (item.kind === 'environment') {
      environments[item.label] = item.text;
    } else {
      entities.push({ ...item.paged.entity });
      if (item.paged.cut) cuts.push(item.paged.cut);
    }
  }
  const last = page.items[page.items.length - 1];
  return {
    ...frame,
    environments,
    entities,
    ...(cuts.length > 0 ? { memory_truncated: cuts } : {}),
    ...(page.more && last !== undefined
      ? {
          next_cursor: encodeCursor({
            world: world.slug,
            turn: state.turn,
            after: last.kind === 'environment' ? ['environment', last.label] : ['entity', last.id],
          } satisfies WorldPosition),
        }
      : {}),
  };
}

/** Index of the first item after `after` in the page order (labels and ids in sorted order). */
function startAfter(items: readonly Item[], after: WorldPosition['after']): number {
  const [kind, key] = after;
  const index = items.findIndex((item) =>
    kind === 'environment'
      ? item.kind === 'entity' || item.label > key
      : item.kind === 'entity' && item.id > key,
  );
  return index === -1 ? items.length : index;
}
