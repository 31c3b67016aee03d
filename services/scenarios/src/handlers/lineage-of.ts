import type { LineageOfReply, LineageOfRequest } from '@crucible/contracts';
import {
  decodeCursor,
  encodeCursor,
  pageBudget,
  pageBySize,
  type RpcContext,
} from '@crucible/messaging';
import {
  afterLineagePosition,
  isLineagePosition,
  listedParents,
  type LineagePosition,
  type Placed,
} from '../domain/lineage-page';
import type { LineageRow } from '../store/lineage';
import type { ScenariosDeps } from './deps';
import { referencedHash, scenarioNotFound } from '../flows/scenario-ref';

const DEFAULT_MAX_DEPTH = 10_000;

/**
 * lineage_of: ancestors oldest first, then the scenario; descendants nearest
 * first. Paged (docs/messaging.md#paged-replies): lineage then descendants, as
 * many as fit the bus, `next_cursor` naming the last one listed. A node always
 * fits alone: it lists at most 1000 parents (`listedParents`).
 */
export async function lineageOf(
  deps: ScenariosDeps,
  request: LineageOfRequest,
  ctx: RpcContext,
): Promise<LineageOfReply> {
  const after =
    request.cursor === undefined
      ? undefined
      : decodeCursor(request.cursor, '/cursor', isLineagePosition);
  const ref = {
    ...(request.name === undefined ? {} : { name: request.name }),
    ...(request.hash === undefined ? {} : { hash: request.hash }),
  };
  const hash = await referencedHash(deps, ref, '', ctx);
  // The lineage read is also the lookup of a {hash} reference.
  const found = await deps.store.lineage(hash, request.max_depth ?? DEFAULT_MAX_DEPTH);
  if (!found) throw scenarioNotFound(hash, '');
  const all: Array<Placed<LineageOfReply['lineage'][number]>> = [
    ...found.lineage.map((row) => ({ section: 'lineage' as const, node: toNode(row) })),
    ...found.descendants.map((row) => ({ section: 'descendants' as const, node: toNode(row) })),
  ];
  const rest = after === undefined ? all : afterLineagePosition(all, after);
  const frame: LineageOfReply = { hash, lineage: [], descendants: [], truncated: found.truncated };
  const page = pageBySize(rest, {
    budgetBytes: pageBudget(ctx.replyBudgetBytes, frame),
    ...(request.limit === undefined ? {} : { limit: request.limit }),
    encode: (placed) => placed.node,
  });
  for (const placed of page.items) frame[placed.section].push(placed.node);
  const last = page.items[page.items.length - 1];
  if (page.more && last) {
    const position: LineagePosition = [
      last.section === 'lineage' ? 'l' : 'd',
      last.node.distance,
      last.node.created_at,
      last.node.hash,
    ];
    frame.next_cursor = encodeCursor(position);
  }
  return frame;
}

/** A node of the reply, its keys in the order they have always had (no spreads: see lineage.ts). */
function toNode(row: LineageRow): LineageOfReply['lineage'][number] {
  const listed = listedParents(row.parent_hashes);
  const node: LineageOfReply['lineage'][number] = {
    hash: row.hash,
    scenario_slug: row.scenario_slug,
    created_at: row.created_at,
    distance: row.distance,
    parent_hashes: listed.parent_hashes,
  };
  if (listed.parents_truncated) node.parents_truncated = true;
  return node;
}
