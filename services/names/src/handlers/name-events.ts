import type { NameMovedV1 } from '@crucible/contracts';
import { buildEvent, outboxRow, type OutboxRow, type RpcContext } from '@crucible/messaging';
import type { NamesDeps } from './deps';

/** The outbox row of the `names.name_moved` event of one move (key: the name). */
export function nameMovedEvent(deps: NamesDeps, ctx: RpcContext, data: NameMovedV1): OutboxRow {
  const event = buildEvent(deps.catalog, 'names.name_moved', data, {
    source: 'names',
    key: data.name,
    causationId: ctx.requestId,
    correlationId: ctx.correlationId,
    occurredAt: new Date(data.changed_at),
  });
  return outboxRow(deps.catalog, deps.prefix, event);
}
