import { COMPONENTS_EVENT_TESTS } from './components.events';
import {
  EVALUATION_EVENT_TESTS,
  REGISTRY_EVENT_TESTS,
  RESULT_EVENT_TESTS,
} from './evaluation.events';
import type { EventTest } from './event-test';
import { GOVERNANCE_EVENT_TESTS } from './governance.events';
import { NAMES_EVENT_TESTS } from './names.events';
import { SCENARIOS_EVENT_TESTS } from './scenarios.events';
import { WORLDS_EVENT_TESTS } from './worlds.events';

/**
 * Every event test, of every stream: the one list the runner
 * (event-runner.ts) turns into jest tests and the catalog meta-test
 * (event-catalog.test.ts) compares with schemas/catalog.json.
 */
export const EVENT_TESTS: readonly EventTest[] = [
  ...COMPONENTS_EVENT_TESTS,
  ...SCENARIOS_EVENT_TESTS,
  ...NAMES_EVENT_TESTS,
  ...WORLDS_EVENT_TESTS,
  ...EVALUATION_EVENT_TESTS,
  ...REGISTRY_EVENT_TESTS,
  ...RESULT_EVENT_TESTS,
  ...GOVERNANCE_EVENT_TESTS,
];
