import type { RpcServer } from '@crucible/messaging';
import { assembleScenario } from './assemble-scenario';
import { checkScenarios } from './check-scenarios';
import type { ScenariosDeps } from './deps';
import { forkScenario } from './fork-scenario';
import { getDerivation } from './get-derivation';
import { getScenario } from './get-scenario';
import { lineageOf } from './lineage-of';
import { listScenarios } from './list-scenarios';

/** Binds every operation of the scenarios service to its handler. */
export function registerHandlers(server: RpcServer, deps: ScenariosDeps): void {
  server
    .handle('assemble_scenario', (r, ctx) => assembleScenario(deps, r, ctx))
    .handle('fork_scenario', (r, ctx) => forkScenario(deps, r, ctx))
    .handle('get_scenario', (r, ctx) => getScenario(deps, r, ctx))
    .handle('list_scenarios', (r, ctx) => listScenarios(deps, r, ctx))
    .handle('lineage_of', (r, ctx) => lineageOf(deps, r, ctx))
    .handle('get_derivation', (r) => getDerivation(deps, r))
    .handle('check_scenarios', (r) => checkScenarios(deps, r));
}
