import { COMPONENTS_EVENT_TESTS } from './components.events';
import type { EventTest } from './event-test';
import { GOVERNANCE_EVENT_TESTS } from './governance.events';
import { NAMES_EVENT_TESTS } from './names.events';
import { SCENARIOS_EVENT_TESTS } from './scenarios.events';

/**
 * Every event test, of every stream: the one list the runner
 * (event-runner.ts) turns into jest tests and the catalog meta-test
 * (event-catalog.test.ts) compares with schemas/catalog.json.
 */
export const EVENT_TESTS: readonly EventTest[] = [
  ...COMPONENTS_EVENT_TESTS,
  ...SCENARIOS_EVENT_TESTS,
  ...NAMES_EVENT_TESTS,
  ...GOVERNANCE_EVENT_TESTS,
];
