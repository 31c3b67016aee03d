import type {
  ComponentKey,
  ComponentKind,
  GetComponentsReply,
  GetComponentsRequest,
  StoredComponent,
} from '@crucible/contracts';
import { jsonBytes, pageBudget, pageBySize, type RpcContext } from '@crucible/messaging';
import type { ComponentsDeps } from './deps';

/**
 * get_components: one query per kind present, whatever the number of keys.
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
  const byKind = new Map<ComponentKind, string[]>();
  for (const key of keys) byKind.set(key.kind, [...(byKind.get(key.kind) ?? []), key.hash]);

  const found = new Map<string, StoredComponent>();
  await Promise.all(
    [...byKind].map(async ([kind, hashes]) => {
      if (kind === 'cognition_profile') {
        for (const row of await deps.store.getProfiles(hashes)) {
          const { hash, created_at, ...content } = row;
          found.set(`${kind}:${hash}`, {
            kind,
            hash,
            content,
            created_at: created_at.toISOString(),
          });
        }
        return;
      }
      for (const row of await deps.store.getComponents(kind, hashes)) {
        found.set(`${kind}:${row.hash}`, {
          kind,
          hash: row.hash,
          content: row.content,
          created_at: row.created_at.toISOString(),
        });
      }
    }),
  );
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
