import type { ResolveNameReply, ResolveNameRequest } from '@crucible/contracts';
import { parseInstant } from '../domain/instant';
import { nameNotFound, nameNotSetAt } from '../domain/name-errors';
import { protectionFields } from '../flows/name-protection';
import type { NamesDeps } from './deps';

/**
 * resolve_name: where a name points now, or (with `at`) where it pointed at
 * that time: the latest move at or before `at`, unless that move removed it.
 * Either way with its protection as it is now (`protected`, `protection`).
 */
export async function resolveName(
  deps: NamesDeps,
  request: ResolveNameRequest,
): Promise<ResolveNameReply> {
  const { name, at } = request;
  if (at === undefined) {
    const current = await deps.store.current(name);
    if (current === undefined) throw nameNotFound(name, '/name');
    return {
      name,
      hash: current.hash,
      history_id: Number(current.history_id),
      since: current.changed_at.toISOString(),
      ...protectionFields(current.protection),
    };
  }
  const move = await deps.store.lastMoveAt(name, parseInstant(at, '/at'));
  if (move === undefined || move.new_hash === null) throw nameNotSetAt(name, at);
  return {
    name,
    hash: move.new_hash,
    history_id: Number(move.id),
    since: move.changed_at.toISOString(),
    ...protectionFields((await deps.store.protections([name])).get(name)),
  };
}
