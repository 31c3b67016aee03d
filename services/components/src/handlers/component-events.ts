import { buildEvent, outboxRow, type OutboxRow, type RpcContext } from '@crucible/messaging';
import type { ComponentKind } from '@crucible/contracts';
import type { ComponentsDeps } from './deps';

/** The outbox row of the `components.component_stored` event for one component. */
export function componentStoredEvent(
  deps: ComponentsDeps,
  ctx: RpcContext,
  kind: ComponentKind,
  hash: string,
  sizeBytes: number,
): OutboxRow {
  const event = buildEvent(
    deps.catalog,
    'components.component_stored',
    { kind, hash, size_bytes: sizeBytes },
    {
      source: 'components',
      key: hash,
      causationId: ctx.requestId,
      correlationId: ctx.correlationId,
    },
  );
  return outboxRow(deps.catalog, deps.prefix, event);
}
