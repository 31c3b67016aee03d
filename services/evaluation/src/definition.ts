import { defineService } from '@crucible/runtime';
import { readEvaluationSettings } from './config';
import { SERVICE_NAME, SERVICE_VERSION, startEvaluationService } from './service';

/**
 * The evaluation service (projects, world models, runs, candidates,
 * evaluations, issues: docs/services/evaluation.md), declared once: its own
 * process (main.ts), the all-in-one platform and the registry test start
 * from this. services/registry.json lists it.
 */
export const service = defineService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  operations: [
    'create_project',
    'get_project',
    'update_project',
    'list_projects',
    'create_chat_session',
    'get_chat_session',
    'update_chat_session',
    'list_chat_sessions',
    'create_message',
    'get_message',
    'update_message',
    'list_messages',
    'create_problem_spec',
    'get_problem_spec',
    'update_problem_spec',
    'list_problem_specs',
    'create_world_model',
    'get_world_model',
    'update_world_model',
    'list_world_models',
    'create_run',
    'get_run',
    'update_run',
    'list_runs',
    'create_candidate',
    'get_candidate',
    'update_candidate',
    'list_candidates',
    'create_scenario_suite',
    'get_scenario_suite',
    'update_scenario_suite',
    'list_scenario_suites',
    'create_evaluation',
    'get_evaluation',
    'update_evaluation',
    'list_evaluations',
    'create_issue',
    'get_issue',
    'update_issue',
    'list_issues',
    'world_model_history',
  ],
  streams: ['evaluation'],
  readSettings: readEvaluationSettings,
  start: startEvaluationService,
});
