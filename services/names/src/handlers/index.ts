import type { RpcServer } from '@crucible/messaging';
import type { NamesDeps } from './deps';
import { listNames } from './list-names';
import { markNameGated } from './mark-name-gated';
import { nameHistory } from './name-history';
import { resolveName } from './resolve-name';
import { setScenarioName } from './set-scenario-name';
import { unsetScenarioName } from './unset-scenario-name';
import { updateScenarioNames } from './update-scenario-names';
import { protectName, unprotectName } from './protect-name';

/** Binds every operation of the names service to its handler. */
export function registerHandlers(server: RpcServer, deps: NamesDeps): void {
  server
    .handle('set_scenario_name', (r, ctx) => setScenarioName(deps, r, ctx))
    .handle('unset_scenario_name', (r, ctx) => unsetScenarioName(deps, r, ctx))
    .handle('update_scenario_names', (r, ctx) => updateScenarioNames(deps, r, ctx))
    .handle('resolve_name', (r) => resolveName(deps, r))
    .handle('name_history', (r, ctx) => nameHistory(deps, r, ctx))
    .handle('list_names', (r, ctx) => listNames(deps, r, ctx))
    .handle('protect_name', (r, ctx) => protectName(deps, r, ctx))
    .handle('unprotect_name', (r, ctx) => unprotectName(deps, r, ctx))
    .handle('mark_name_gated', (r) => markNameGated(deps, r));
}
