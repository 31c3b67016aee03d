import { defineService } from '@crucible/runtime';
import { readWorldsSettings } from './config';
import { SERVICE_NAME, SERVICE_VERSION, startWorldsService } from './service';

/**
 * The worlds service (worlds seeded from scenarios, turns run against a
 * mind, every LLM call recorded, forks and replays), declared once: its own
 * process (main.ts), the all-in-one platform and the registry test start
 * from this. services/registry.json lists it.
 */
export const service = defineService({
  name: SERVICE_NAME,
  version: SERVICE_VERSION,
  operations: [
    'create_world',
    'list_worlds',
    'get_world',
    'run_turn',
    'cancel_turns',
    'get_turn_status',
    'list_turn_events',
    'list_llm_calls',
    'get_llm_call',
    'fork_world',
    'replay_world',
    'delete_world',
  ],
  streams: ['worlds', 'worlds_audit'],
  readSettings: readWorldsSettings,
  start: (infra, settings) => startWorldsService(infra, settings),
});
