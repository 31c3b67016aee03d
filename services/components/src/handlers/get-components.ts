import type { ComponentKey, GetComponentsReply, GetComponentsRequest } from '@crucible/contracts';
import { jsonBytes, pageBudget, pageBySize, type RpcContext } from '@crucible/messaging';
import { cachedComponents } from '../flows/cached-reads';
import type { ComponentsDeps } from './deps';

/**
 * get_components: cached components need no query; the rest take one
 * statement for every content kind and one for profiles, whatever the number
 * of keys (cached-reads.ts).
 * Keys are answered in request order, duplicates collapsed: found, or listed
 * as missing. The reply is cut to fit the bus (docs/messaging.md#paged-replies):
 * the keys it did not reach come back as `remaining`, for the next request's
 * `items`. One component always fits: its content is at most 64 KiB (384 KiB
 * as JSON at worst, every byte a six-byte escape), far below the budget.
 */
export async function getComponents(
  deps: ComponentsDeps,
  request: GetComponentsRequest,
  ctx: RpcContext,
): Promise<GetComponentsReply> {
  const keys = dedupe(request.items);
  const found = await cachedComponents(deps, keys);
  const answers = keys.map((key) => ({ key, hit: found.get(`${key.kind}:${key.hash}`) }));
  // Room for the longest `remaining` this request can need: every key.
  const reserve = jsonBytes(keys) + '"remaining":,'.length;
  const page = pageBySize(answers, {
    budgetBytes: pageBudget(ctx.replyBudgetBytes, { found: [], missing: [] }, reserve),
    encode: (answer) => answer.hit ?? answer.key,
  });
  const reply: GetComponentsReply = { found: [], missing: [] };
  for (const { key, hit } of page.items) {
    if (hit) reply.found.push(hit);
    else reply.missing.push({ kind: key.kind, hash: key.hash });
  }
  const [next, ...rest] = keys.slice(page.items.length);
  if (next) reply.remaining = [next, ...rest];
  return reply;
}

function dedupe(items: ComponentKey[]): ComponentKey[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = `${item.kind}:${item.hash}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
