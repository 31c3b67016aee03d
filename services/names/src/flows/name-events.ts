import type { NameMovedV2, NameProtectionChangedV1 } from '@crucible/contracts';
import type { OutboxRow, RpcContext } from '@crucible/messaging';
import type { NamesDeps } from '../handlers/deps';

/** The outbox row of the `names.name_moved` event of one move (key: the name). */
export function nameMovedEvent(deps: NamesDeps, ctx: RpcContext, data: NameMovedV2): OutboxRow {
  return deps.events.event('names.name_moved', data, {
    key: data.name,
    causationId: ctx.requestId,
    correlationId: ctx.correlationId,
    occurredAt: new Date(data.changed_at),
  });
}

/** The outbox row of `names.name_protection_changed` (key: the name, like its moves). */
export function nameProtectionChangedEvent(
  deps: NamesDeps,
  ctx: RpcContext,
  data: NameProtectionChangedV1,
): OutboxRow {
  return deps.events.event('names.name_protection_changed', data, {
    key: data.name,
    causationId: ctx.requestId,
    correlationId: ctx.correlationId,
    occurredAt: new Date(data.changed_at),
  });
}
