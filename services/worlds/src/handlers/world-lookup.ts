import { notFound } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import type { WorldRow } from '../store/rows';
import type { WorldsDeps } from './deps';

/**
 * The live world named by a request's `world_slug`, or not_found at `path`
 * (reason world_deleted, with the deleted record, when it was deleted).
 */
export async function liveWorld(
  deps: Pick<WorldsDeps, 'store'>,
  slug: string,
  path = '/world_slug',
  trx?: Knex.Transaction,
  options: { lock?: boolean } = {},
): Promise<WorldRow> {
  const world = await deps.store.world(slug, trx, options);
  if (world) return world;
  const deleted = await deps.store.deletedWorld(slug, trx);
  if (deleted?.deleted_at) {
    throw notFound(`world ${slug} was deleted at ${deleted.deleted_at.toISOString()}`, {
      path,
      reason: 'world_deleted',
      slug,
      deleted_at: deleted.deleted_at.toISOString(),
    });
  }
  throw notFound(`no world ${slug}`, { path, reason: 'world_not_found', slug });
}
