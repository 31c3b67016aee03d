import { canonicalJson } from '@crucible/hashing';
import type { ResolveComponentsReply, ScenarioStoreTerms } from '@crucible/contracts';
import { jsonBytes } from './json-bytes';

// What a placeholder takes in the caller's skeleton (see ScenarioStoreTerms.base_bytes).
const EMPTY_TEXT_BYTES = 2; // ""
const ZERO_BYTES = 1; // 0

/**
 * Whether resolved items make a valid scenario under the caller's terms:
 * the scenario rules that need the items' content (the scenarios service
 * checks the rest, and reports every failure itself). Storing waits for
 * this, so that a scenario the scenarios service will refuse writes
 * nothing here. It must accept exactly what those rules accept: one
 * refused here that the rules accept would be a scenario binding
 * components never stored.
 */
export function meetsScenarioTerms(
  terms: ScenarioStoreTerms,
  resolved: Omit<ResolveComponentsReply, 'new_components' | 'stored'>,
): boolean {
  const environments = new Set(terms.environment_labels);
  const profiles = new Set(terms.cognition_profile_labels);
  const ids = new Set<string>();
  let agents = 0;
  for (const { content } of resolved.entities) {
    if (!environments.has(content.environment) || ids.has(content.id)) return false;
    ids.add(content.id);
    if (content.kind !== undefined && content.kind !== 'prop') {
      agents++;
      if (!profiles.has(content.kind.agent.cognition_profile)) return false;
    }
  }
  return agents > 0 && scenarioBytes(terms.base_bytes, resolved) <= terms.max_bytes;
}

/** The scenario's canonical size: the skeleton's, with each placeholder's actual size instead. */
function scenarioBytes(
  baseBytes: number,
  resolved: Omit<ResolveComponentsReply, 'new_components' | 'stored'>,
): number {
  let bytes = baseBytes;
  for (const profile of resolved.cognition_profiles) {
    const parts = profile.json_bytes;
    bytes +=
      parts.perceive_system +
      parts.intend_system +
      parts.adjudicate_system +
      parts.adjudication_schema -
      4 * EMPTY_TEXT_BYTES;
    bytes += canonicalJson(profile.adjudication_retry_budget).length - ZERO_BYTES;
  }
  for (const environment of resolved.environments)
    bytes += environment.json_bytes - EMPTY_TEXT_BYTES;
  for (const entity of resolved.entities)
    bytes += jsonBytes(entity.content as unknown as Record<string, unknown>) - EMPTY_TEXT_BYTES;
  return bytes;
}
