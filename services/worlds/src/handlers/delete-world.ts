import type { DeleteWorldReply, DeleteWorldRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { WorldsDeps } from './deps';
import { liveWorld } from './world-lookup';

/**
 * delete_world: the world's row becomes its deleted record (its turns stay,
 * for the worlds forked from it), unfinished attempts fail, world_deleted is
 * written; the scenario is untouched and the slug free again.
 */
export async function deleteWorld(
  deps: WorldsDeps,
  request: DeleteWorldRequest,
  ctx: RpcContext,
): Promise<DeleteWorldReply> {
  const deleted = await deps.store.transaction(async (trx) => {
    // The world's row lock first, as a turn's commit takes it (store/turn-store.ts, LOCK ORDER):
    // this waits for a turn committing now, and a commit after it sees the world gone.
    const world = await liveWorld(deps, request.world_slug, '/world_slug', trx, { lock: true });
    const row = await deps.store.markDeleted(world.id, trx);
    await deps.turns.failUnfinished(
      world.id,
      {
        code: 'world_deleted',
        agent_id: null,
        phase: null,
        message: `world ${world.slug} was deleted`,
        complaints: [],
      },
      trx,
    );
    const deletedAt = (row.deleted_at as Date).toISOString();
    await deps.store.enqueue(
      [
        deps.events.event(
          'worlds.world_deleted',
          {
            world_id: row.id,
            world_slug: row.slug,
            scenario_hash: row.scenario_hash,
            deleted_at: deletedAt,
            actor: ctx.principal ?? null,
          },
          { key: row.slug, causationId: ctx.requestId, correlationId: ctx.correlationId },
        ),
      ],
      trx,
    );
    return { row, deletedAt };
  });
  return {
    slug: deleted.row.slug,
    name: deleted.row.name,
    scenario_label: deleted.row.scenario_label,
    scenario_hash: deleted.row.scenario_hash,
    deleted_at: deleted.deletedAt,
  };
}
