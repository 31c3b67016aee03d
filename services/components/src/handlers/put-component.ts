import type { PutComponentReply } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { JsonKind, TextKind } from '../domain/component-kinds';
import { prepareJson, prepareText, type PreparedComponent } from '../domain/prepared-component';
import { componentStoredEvent } from '../flows/component-events';
import type { ComponentsDeps } from './deps';

/** put_perceive_system, put_intend_system, put_adjudicate_system, put_environment. */
export function putText(
  deps: ComponentsDeps,
  kind: TextKind,
  content: string,
  ctx: RpcContext,
): Promise<PutComponentReply> {
  return store(deps, prepareText(kind, content, '/content'), ctx);
}

/** put_adjudication_schema, put_entity. */
export function putJson(
  deps: ComponentsDeps,
  kind: JsonKind,
  content: Record<string, unknown>,
  ctx: RpcContext,
): Promise<PutComponentReply> {
  return store(deps, prepareJson(kind, content, '/content'), ctx);
}

async function store(
  deps: ComponentsDeps,
  component: PreparedComponent,
  ctx: RpcContext,
): Promise<PutComponentReply> {
  const event = componentStoredEvent(
    deps,
    ctx,
    component.kind,
    component.hash,
    component.sizeBytes,
  );
  // One statement, no transaction: the fastest write (see ComponentStore).
  const wasNew = await deps.store.insertComponent(component, event);
  return { hash: component.hash, was_new: wasNew };
}
