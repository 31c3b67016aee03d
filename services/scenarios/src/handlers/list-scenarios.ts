import {
  invalidArgument,
  type ListScenariosReply,
  type ListScenariosRequest,
} from '@crucible/contracts';
import { pageBudget, pageBySize, type RpcContext } from '@crucible/messaging';
import { listedNames } from '../domain/listed-names';
import type { ScenariosDeps } from './deps';

const DEFAULT_LIMIT = 50;

/**
 * list_scenarios: newest first, filtered, paged by offset (seed) or, better
 * for deep pages, by the opaque cursor of the previous page. A page also
 * stops where the bus would (docs/messaging.md#paged-replies): then it holds
 * fewer than `limit` and `next_cursor` continues after its last scenario.
 */
export async function listScenarios(
  deps: ScenariosDeps,
  request: ListScenariosRequest,
  ctx: RpcContext,
): Promise<ListScenariosReply> {
  const limit = request.page?.limit ?? DEFAULT_LIMIT;
  const cursor = request.page?.cursor;
  const rows = await deps.store.list({
    filter: request.filter ?? {},
    limit,
    offset: request.page?.offset ?? 0,
    ...(cursor === undefined ? {} : { after: decodeCursor(cursor) }),
  });
  const summaries = rows.map((r) => ({
    row: r,
    summary: {
      hash: r.hash,
      scenario_slug: r.scenario_slug,
      created_at: r.created_at.toISOString(),
      ...listedNames(r.names),
      child_count: r.child_count,
      // No worlds service yet: see get_scenario.
      world_count: 0,
      has_parents: r.has_parents,
    },
  }));
  const page = pageBySize(summaries, {
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { scenarios: [], next_cursor: null }),
    encode: (s) => s.summary,
  });
  const last = page.items[page.items.length - 1]?.row;
  const more = page.more || rows.length === limit;
  return {
    scenarios: page.items.map((s) => s.summary),
    next_cursor: more && last ? encodeCursor(last.cursor_at, last.hash) : null,
  };
}

function encodeCursor(createdAt: string, hash: string): string {
  return Buffer.from(JSON.stringify([createdAt, hash]), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { created_at: string; hash: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      !Number.isNaN(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      /^[0-9a-f]{64}$/.test(value[1])
    ) {
      return { created_at: value[0], hash: value[1] };
    }
  } catch {
    // fall through
  }
  throw invalidArgument(
    '/page/cursor',
    'invalid_cursor',
    '/page/cursor: not a cursor this service issued',
  );
}
