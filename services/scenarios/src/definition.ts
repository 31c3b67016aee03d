import { defineService } from '@crucible/runtime';
import { readScenariosSettings } from './config';
import { SERVICE_NAME, SERVICE_VERSION, startScenariosService } from './service';

/**
 * The scenarios service (manifests assembled from components, forks,
 * lineage), declared once: its own process (main.ts), the all-in-one platform
 * and the registry test start from this. services/registry.json lists it.
 */
export const service = defineService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  operations: [
    'assemble_scenario',
    'fork_scenario',
    'get_scenario',
    'list_scenarios',
    'lineage_of',
    'get_derivation',
    'check_scenarios',
  ],
  streams: ['scenarios'],
  readSettings: readScenariosSettings,
  start: startScenariosService,
});
