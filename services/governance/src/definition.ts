import { defineService } from '@crucible/runtime';
import { readGovernanceSettings } from './config';
import { SERVICE_NAME, SERVICE_VERSION, startGovernanceService } from './service';

/**
 * The governance service (directives, policy, approval, execution runs),
 * declared once: its own process (main.ts), the all-in-one platform and the
 * registry test start from this. services/registry.json lists it.
 */
export const service = defineService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  operations: [
    'create_role',
    'list_roles',
    'get_directive_schema',
    'get_lifecycle',
    'create_directive',
    'get_directive',
    'list_directives',
    'transition_directive',
    'propose_directive',
    'approve_directive',
    'reject_directive',
    'get_policy',
    'set_policy',
    'evaluate_directive',
    'get_decision',
    'replay_decisions',
    'create_execution_run',
    'transition_execution_run',
    'put_artifact',
    'get_artifact',
    'remember',
    'recall',
    'search_memories',
    'authorize_work',
    'record_spend',
  ],
  streams: ['governance'],
  readSettings: readGovernanceSettings,
  start: startGovernanceService,
});
