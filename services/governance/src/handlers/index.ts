import type { Catalog } from '@crucible/contracts';
import type { RpcServer } from '@crucible/messaging';
import { approve, propose, reject } from './approval';
import { getArtifact, putArtifact } from './artifacts';
import { evaluateDirective, getDecision, replayDecisions } from './decisions';
import type { GovernanceDeps } from './deps';
import { createDirective, getDirective, getDirectiveSchema, listDirectives } from './directives';
import { getLifecycle } from './lifecycle';
import { recall, remember, searchMemories } from './memories';
import { getPolicy, setPolicy } from './policy';
import { createRole, listRoles } from './roles';
import { createExecutionRun, transitionExecutionRun } from './runs';
import { transitionDirective } from './transition-directive';
import { authorizeWorkHandler, recordSpendHandler } from './work';

/** Binds every operation of the governance service to its handler. */
export function registerHandlers(server: RpcServer, deps: GovernanceDeps, catalog: Catalog): void {
  server
    .handle('create_role', (r) => createRole(deps, r))
    .handle('list_roles', (r, ctx) => listRoles(deps, r, ctx))
    .handle('get_directive_schema', () => Promise.resolve(getDirectiveSchema(catalog)))
    .handle('get_lifecycle', (r) => Promise.resolve(getLifecycle(r)))
    .handle('create_directive', (r, ctx) => createDirective(deps, r, ctx))
    .handle('get_directive', (r) => getDirective(deps, r))
    .handle('list_directives', (r, ctx) => listDirectives(deps, r, ctx))
    .handle('transition_directive', (r, ctx) => transitionDirective(deps, r, ctx))
    .handle('propose_directive', (r, ctx) => propose(deps, r, ctx))
    .handle('approve_directive', (r, ctx) => approve(deps, r, ctx))
    .handle('reject_directive', (r, ctx) => reject(deps, r, ctx))
    .handle('get_policy', (r) => getPolicy(deps, r))
    .handle('set_policy', (r, ctx) => setPolicy(deps, r, ctx))
    .handle('evaluate_directive', (r, ctx) => evaluateDirective(deps, r, ctx))
    .handle('get_decision', (r) => getDecision(deps, r))
    .handle('replay_decisions', (r, ctx) => replayDecisions(deps, r, ctx))
    .handle('create_execution_run', (r, ctx) => createExecutionRun(deps, r, ctx))
    .handle('transition_execution_run', (r, ctx) => transitionExecutionRun(deps, r, ctx))
    .handle('put_artifact', (r) => putArtifact(deps, r))
    .handle('get_artifact', (r) => getArtifact(deps, r))
    .handle('remember', (r) => remember(deps, catalog.registry, r))
    .handle('recall', (r, ctx) => recall(deps, r, ctx))
    .handle('search_memories', (r) => searchMemories(deps, r))
    .handle('authorize_work', (r) => authorizeWorkHandler(deps, r))
    .handle('record_spend', (r, ctx) => recordSpendHandler(deps, r, ctx));
}
