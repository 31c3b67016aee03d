import type { RpcServer } from '@crucible/messaging';
import type { ComponentsDeps } from './deps';
import { getAdjudicationSchema, getCognitionProfile, getEntity, getText } from './get-component';
import { getComponents } from './get-components';
import { putCognitionProfile } from './put-cognition-profile';
import { putJson, putText } from './put-component';
import { resolveComponents } from './resolve-components';

/** Binds every operation of the components service to its handler. */
export function registerHandlers(server: RpcServer, deps: ComponentsDeps): void {
  server
    .handle('put_perceive_system', (r, ctx) => putText(deps, 'perceive_system', r.content, ctx))
    .handle('put_intend_system', (r, ctx) => putText(deps, 'intend_system', r.content, ctx))
    .handle('put_adjudicate_system', (r, ctx) => putText(deps, 'adjudicate_system', r.content, ctx))
    .handle('put_environment', (r, ctx) => putText(deps, 'environment', r.content, ctx))
    .handle('put_adjudication_schema', (r, ctx) =>
      putJson(deps, 'adjudication_schema', r.content, ctx),
    )
    .handle('put_entity', (r, ctx) =>
      putJson(deps, 'entity', r.content as unknown as Record<string, unknown>, ctx),
    )
    .handle('put_cognition_profile', (r, ctx) => putCognitionProfile(deps, r, ctx))
    .handle('get_perceive_system', (r) => getText(deps, 'perceive_system', r.hash))
    .handle('get_intend_system', (r) => getText(deps, 'intend_system', r.hash))
    .handle('get_adjudicate_system', (r) => getText(deps, 'adjudicate_system', r.hash))
    .handle('get_environment', (r) => getText(deps, 'environment', r.hash))
    .handle('get_adjudication_schema', (r) => getAdjudicationSchema(deps, r.hash))
    .handle('get_entity', (r) => getEntity(deps, r.hash))
    .handle('get_cognition_profile', (r) => getCognitionProfile(deps, r.hash))
    .handle('get_components', (r, ctx) => getComponents(deps, r, ctx))
    .handle('resolve_components', (r, ctx) => resolveComponents(deps, r, ctx));
}
