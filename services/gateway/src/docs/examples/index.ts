import { COMPONENTS_EXAMPLES } from './components';
import { EVALUATION_EXAMPLES } from './evaluation';
import { GOVERNANCE_EXAMPLES } from './governance';
import type { OperationExample } from './example';
import { NAMES_EXAMPLES } from './names';
import { SCENARIOS_EXAMPLES } from './scenarios';
import { WORLDS_EXAMPLES } from './worlds';

export type { OperationExample } from './example';

/**
 * One example per exposed operation, in the catalog's order, which is the
 * order they run in: each may use what the ones before it stored. docs/api.md and the OpenAPI document show them;
 * test/gateway runs them against a real platform.
 */
export const OPERATION_EXAMPLES: readonly OperationExample[] = [
  ...COMPONENTS_EXAMPLES,
  ...SCENARIOS_EXAMPLES,
  ...NAMES_EXAMPLES,
  ...WORLDS_EXAMPLES,
  ...EVALUATION_EXAMPLES,
  ...GOVERNANCE_EXAMPLES,
];
