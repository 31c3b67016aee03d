import type {
  ComponentKey,
  ComponentKind,
  GetComponentsReply,
  GetComponentsRequest,
  StoredComponent,
} from '@crucible/contracts';
import type { ComponentsDeps } from './deps';

/**
 * get_components: one query per kind present, whatever the number of keys.
 * Found components come back in request order, duplicates collapsed; the rest
 * are listed as missing.
 */
export async function getComponents(
  deps: ComponentsDeps,
  request: GetComponentsRequest,
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
  const reply: GetComponentsReply = { found: [], missing: [] };
  for (const key of keys) {
    const hit = found.get(`${key.kind}:${key.hash}`);
    if (hit) reply.found.push(hit);
    else reply.missing.push({ kind: key.kind, hash: key.hash });
  }
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
