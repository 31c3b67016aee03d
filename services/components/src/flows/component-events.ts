import type { ComponentKind } from '@crucible/contracts';
import type { OutboxRow, RpcContext } from '@crucible/messaging';
import type { ComponentsDeps } from '../handlers/deps';

/** The outbox row of the `components.component_stored` event for one component. */
export function componentStoredEvent(
  deps: ComponentsDeps,
  ctx: RpcContext,
  kind: ComponentKind,
  hash: string,
  sizeBytes: number,
): OutboxRow {
  return deps.events.event(
    'components.component_stored',
    // The actor: who asked, as the gateway authenticated them (docs/security.md).
    { kind, hash, size_bytes: sizeBytes, actor: ctx.principal ?? null },
    { key: hash, causationId: ctx.requestId, correlationId: ctx.correlationId },
  );
}
