import type { EventConsumer } from '@crucible/messaging';
import type { ServiceCore } from '@crucible/runtime';
import type { ScenarioStore } from '../store/scenario-store';

/**
 * Keeps names_projection in step with the names service: every
 * names.name_moved event is applied once (processed_events), and an older
 * move never overwrites a newer one (history_id).
 */
export function namesProjection(core: ServiceCore, store: ScenarioStore): EventConsumer {
  return core
    .consumer('names_projection')
    .on('names.name_moved', (event, trx) =>
      store.projectNameMove(
        { name: event.data.name, hash: event.data.new_hash, history_id: event.data.history_id },
        trx,
      ),
    );
}
