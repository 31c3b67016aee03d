import type { EventConsumer } from '@crucible/messaging';
import type { ServiceCore } from '@crucible/runtime';
import type { WorldCounts } from '../store/world-counts';

/**
 * Keeps world_projection in step with the worlds service, for world_count:
 * each world_created and world_deleted is applied once (processed_events),
 * and a deletion wins over a creation whatever their order.
 */
export function worldsProjection(core: ServiceCore, counts: WorldCounts): EventConsumer {
  return core
    .consumer('worlds_projection')
    .on('worlds.world_created', (event, trx) =>
      counts.project(event.data.world_id, event.data.scenario_hash, false, trx),
    )
    .on('worlds.world_deleted', (event, trx) =>
      counts.project(event.data.world_id, event.data.scenario_hash, true, trx),
    );
}
