import type {
  ComponentKey,
  Entity,
  GetScenarioReply,
  GetScenarioRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { ScenariosDeps } from './deps';
import { listedNames } from '../domain/listed-names';
import { referencedHash, scenarioNotFound } from '../flows/scenario-ref';

/**
 * get_scenario: the manifest rebuilt in full from the components service (one
 * batched lookup: environments, entities and the profiles' parts, whose
 * hashes are kept here), with the hash maps, names (from the names
 * projection), child count, world count and whether it has parents.
 */
export async function getScenario(
  deps: ScenariosDeps,
  request: GetScenarioRequest,
  ctx: RpcContext,
): Promise<GetScenarioReply> {
  const hash = await referencedHash(deps, request, '', ctx);
  // One round trip for everything of this service's, the lookup of a {hash}
  // reference included (store/scenario-read.ts).
  const read = await deps.store.read(hash);
  if (!read) throw scenarioNotFound(hash, '');
  const { bindings: stored, parts, relations, worldCount } = read;
  const keys: ComponentKey[] = [
    ...[...stored.environments.values()].map((h) => ({ kind: 'environment' as const, hash: h })),
    ...stored.entity_hashes.map((h) => ({ kind: 'entity' as const, hash: h })),
    ...[...parts.values()].flatMap((p) => [
      { kind: 'perceive_system' as const, hash: p.perceive_system_hash },
      { kind: 'intend_system' as const, hash: p.intend_system_hash },
      { kind: 'adjudicate_system' as const, hash: p.adjudicate_system_hash },
      { kind: 'adjudication_schema' as const, hash: p.adjudication_schema_hash },
    ]),
  ];
  const contents = await deps.components.contents(keys, `scenario ${hash}`, ctx);
  const content = <T>(kind: string, h: string): T => {
    const value = contents.get(`${kind}:${h}`);
    if (value === undefined) throw new Error(`no content for ${kind} ${h}`);
    return value as T;
  };
  const cognition_profiles: GetScenarioReply['scenario']['cognition_profiles'] = {};
  for (const [label, profileHash] of stored.cognition_profiles) {
    const p = parts.get(profileHash);
    if (!p) throw new Error(`no recorded composition for profile ${profileHash}`);
    cognition_profiles[label] = {
      perceive_system: content<string>('perceive_system', p.perceive_system_hash),
      intend_system: content<string>('intend_system', p.intend_system_hash),
      adjudicate_system: content<string>('adjudicate_system', p.adjudicate_system_hash),
      adjudication_schema: content<Record<string, unknown>>(
        'adjudication_schema',
        p.adjudication_schema_hash,
      ),
      adjudication_retry_budget: p.adjudication_retry_budget,
    };
  }
  const { names, ...counts } = relations;
  return {
    hash,
    scenario_slug: stored.scenario_slug,
    created_at: stored.created_at.toISOString(),
    ...listedNames(names),
    ...counts,
    world_count: worldCount,
    scenario: {
      scenario_slug: stored.scenario_slug,
      description: stored.description,
      chronon_seconds: stored.chronon_seconds,
      cognition_profiles,
      environments: Object.fromEntries(
        [...stored.environments].map(([label, h]) => [label, content<string>('environment', h)]),
      ),
      entities: stored.entity_hashes.map((h) => content<Entity>('entity', h)),
    },
    cognition_profile_hashes: Object.fromEntries(stored.cognition_profiles),
    environment_hashes: Object.fromEntries(stored.environments),
    entity_hashes: [...stored.entity_hashes],
  };
}
