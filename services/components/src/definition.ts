import { defineService } from '@crucible/runtime';
import { readComponentsSettings } from './config';
import { SERVICE_NAME, SERVICE_VERSION, startComponentsService } from './service';

/**
 * The components service (immutable, content-addressed components), declared
 * once: its own process (main.ts), the all-in-one platform and the registry
 * test start from this. services/registry.json lists it.
 */
export const service = defineService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  operations: [
    'put_perceive_system',
    'put_intend_system',
    'put_adjudicate_system',
    'put_adjudication_schema',
    'put_environment',
    'put_entity',
    'put_cognition_profile',
    'get_perceive_system',
    'get_intend_system',
    'get_adjudicate_system',
    'get_adjudication_schema',
    'get_environment',
    'get_entity',
    'get_cognition_profile',
    'get_components',
    'resolve_components',
  ],
  streams: ['components'],
  readSettings: readComponentsSettings,
  start: startComponentsService,
});
