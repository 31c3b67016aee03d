import type { AssembleScenarioReply, AssembleScenarioRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { ScenarioDraft } from '../domain/draft';
import { checkMetadataSize } from '../domain/scenario-size';
import type { ScenariosDeps } from './deps';
import { storeDraft } from '../flows/store-draft';

/** assemble_scenario: a scenario from labeled bindings; a derivation with no parents. */
export async function assembleScenario(
  deps: ScenariosDeps,
  request: AssembleScenarioRequest,
  ctx: RpcContext,
): Promise<AssembleScenarioReply> {
  checkMetadataSize(request.metadata, '/metadata');
  const draft: ScenarioDraft = {
    scenario_slug: request.scenario_slug,
    description: request.description,
    chronon_seconds: request.chronon_seconds,
    cognition_profiles: new Map(
      Object.entries(request.cognition_profiles).map(([label, ref]) => [
        label,
        { ref, path: `/cognition_profiles/${label}` },
      ]),
    ),
    environments: new Map(
      Object.entries(request.environments).map(([label, ref]) => [
        label,
        { ref, path: `/environments/${label}` },
      ]),
    ),
    entities: request.entities.map((ref, index) => ({ ref, path: `/entities/${index}` })),
    paths: {
      description: '/description',
      entities: '/entities',
      removedEnvironments: new Map(),
      removedProfiles: new Map(),
    },
  };
  const { reply } = await storeDraft(
    deps,
    draft,
    {
      parents: [],
      operator: request.operator ?? null,
      note: request.note ?? null,
      metadata: () => request.metadata ?? {},
      ...(request.name === undefined ? {} : { name: request.name }),
    },
    ctx,
  );
  return reply;
}
