import { defineService } from '@crucible/runtime';
import { readNamesSettings } from './config';
import { SERVICE_NAME, SERVICE_VERSION, startNamesService } from './service';

/**
 * The names service (mutable names of scenario hashes), declared once: its
 * own process (main.ts), the all-in-one platform and the registry test start
 * from this. services/registry.json lists it.
 */
export const service = defineService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  operations: [
    'set_scenario_name',
    'unset_scenario_name',
    'resolve_name',
    'name_history',
    'list_names',
    'protect_name',
    'unprotect_name',
    'mark_name_gated',
    'update_scenario_names',
  ],
  streams: ['names'],
  readSettings: readNamesSettings,
  start: startNamesService,
});
