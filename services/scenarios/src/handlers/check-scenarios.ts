import type { CheckScenariosReply, CheckScenariosRequest } from '@crucible/contracts';
import type { ScenariosDeps } from './deps';

/** check_scenarios: which hashes are stored scenarios (request order, duplicates collapsed). */
export async function checkScenarios(
  deps: ScenariosDeps,
  request: CheckScenariosRequest,
): Promise<CheckScenariosReply> {
  const unique = [...new Set(request.hashes)];
  const found = await deps.store.existing(unique);
  return {
    found: unique.filter((h) => found.has(h)),
    missing: unique.filter((h) => !found.has(h)),
  };
}
