import { EventConsumer } from '@crucible/messaging';
import type { Infrastructure } from '@crucible/runtime';
import type { ServiceDb } from '@crucible/database';
import type { ScenarioStore } from '../store/scenario-store';

/**
 * Keeps names_projection in step with the names service: every
 * names.name_moved event is applied once (processed_events), and an older
 * move never overwrites a newer one (history_id).
 */
export function namesProjection(
  infra: Infrastructure,
  db: ServiceDb,
  store: ScenarioStore,
): EventConsumer {
  return new EventConsumer({
    name: 'names_projection',
    service: 'scenarios',
    prefix: infra.prefix,
    catalog: infra.catalog,
    eventLog: infra.eventLog,
    db,
    logger: infra.logger.child({ component: 'scenarios', consumer: 'names_projection' }),
  }).on('names.name_moved', (event, trx) =>
    store.projectNameMove(
      { name: event.data.name, hash: event.data.new_hash, history_id: event.data.history_id },
      trx,
    ),
  );
}
