import type { CreateWorldReply, CreateWorldRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { checkMind, createWorld } from '../flows/create-world';
import { resolvedRequestMind } from '../flows/deployment-mind';
import { resolveScenario } from '../flows/scenario-ref';
import type { WorldsDeps } from './deps';

/** create_world: a world seeded from a scenario by name, hash or full data. */
export async function createWorldHandler(
  deps: WorldsDeps,
  request: CreateWorldRequest,
  ctx: RpcContext,
): Promise<CreateWorldReply> {
  // A deployment mind must resolve (known, serving) now; each turn resolves it again.
  checkMind(deps, await resolvedRequestMind(request.mind, deps.evaluation, ctx));
  // Governance first: a directive the policy requires, or one that may not be worked under, refuses here.
  await deps.governance.authorize(
    {
      work: 'create_world',
      ...(request.directive_id === undefined ? {} : { directive_id: request.directive_id }),
      subject: request.slug,
    },
    ctx,
  );
  // Asked before anything is written, and outside any transaction.
  const scenario = await resolveScenario(deps, request.scenario_ref, '/scenario_ref', ctx);
  return createWorld(
    deps,
    {
      slug: request.slug,
      name: request.name,
      scenario,
      mind: request.mind,
      engine: request.engine ?? 'sequential',
    },
    ctx,
  );
}
