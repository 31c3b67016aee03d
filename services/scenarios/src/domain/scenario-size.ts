import { invalidArgument } from '@crucible/contracts';
import { canonicalJson } from '@crucible/hashing';
import type { ResolvedDraft, ScenarioDraft } from './draft';

// Stands in for a text or schema whose canonical size the components service
// reported: two bytes, like the empty string it replaces.
const PLACEHOLDER = '';
const PLACEHOLDER_BYTES = 2;

/**
 * The exact byte length of the scenario's canonical JSON (the Scenario shape
 * of schemas/scenarios/scenario.v1.json), without having its texts: the skeleton is
 * serialized with every text and schema replaced by a 2-byte placeholder, and
 * the canonical sizes reported by the components service are added back.
 * Labels and entity contents are known here and serialized as they are.
 */
export function scenarioCanonicalBytes(resolved: ResolvedDraft): number {
  let extra = 0;
  const profiles: Record<string, unknown> = {};
  for (const [label, profile] of resolved.profiles) {
    profiles[label] = {
      perceive_system: PLACEHOLDER,
      intend_system: PLACEHOLDER,
      adjudicate_system: PLACEHOLDER,
      adjudication_schema: PLACEHOLDER,
      adjudication_retry_budget: profile.adjudication_retry_budget,
    };
    const parts = profile.json_bytes;
    extra +=
      parts.perceive_system +
      parts.intend_system +
      parts.adjudicate_system +
      parts.adjudication_schema -
      4 * PLACEHOLDER_BYTES;
  }
  const environments: Record<string, unknown> = {};
  for (const [label, environment] of resolved.environments) {
    environments[label] = PLACEHOLDER;
    extra += environment.json_bytes - PLACEHOLDER_BYTES;
  }
  const skeleton = {
    scenario_slug: resolved.draft.scenario_slug,
    description: resolved.draft.description,
    chronon_seconds: resolved.draft.chronon_seconds,
    cognition_profiles: profiles,
    environments,
    entities: resolved.entities.map((e) => e.content),
  };
  return Buffer.byteLength(canonicalJson(skeleton), 'utf8') + extra;
}

/**
 * The canonical size of the draft's scenario before anything is resolved:
 * every text, schema and entity written as "" and every retry budget as 0
 * (`base_bytes` of the terms the components service stores under, see
 * resolve-draft.ts). It adds each item's actual size, so that the sum is
 * exactly `scenarioCanonicalBytes` of the resolved draft.
 */
export function scenarioSkeletonBytes(draft: ScenarioDraft): number {
  const profiles: Record<string, unknown> = {};
  for (const label of draft.cognition_profiles.keys()) {
    profiles[label] = {
      perceive_system: PLACEHOLDER,
      intend_system: PLACEHOLDER,
      adjudicate_system: PLACEHOLDER,
      adjudication_schema: PLACEHOLDER,
      adjudication_retry_budget: 0,
    };
  }
  const environments: Record<string, unknown> = {};
  for (const label of draft.environments.keys()) environments[label] = PLACEHOLDER;
  return Buffer.byteLength(
    canonicalJson({
      scenario_slug: draft.scenario_slug,
      description: draft.description,
      chronon_seconds: draft.chronon_seconds,
      cognition_profiles: profiles,
      environments,
      entities: draft.entities.map(() => PLACEHOLDER),
    }),
    'utf8',
  );
}

/**
 * The most a derivation's caller-given metadata (assemble's `metadata`,
 * fork's `metadata_extra`) may take as canonical JSON. It is stored with
 * the derivation and returned whole by fork_scenario and get_derivation,
 * beside up to 1,000 touched components: bounded, so those replies always
 * fit the bus (docs/messaging.md, "Paged replies").
 */
export const METADATA_MAX_BYTES = 65_536;

/** Refuses metadata over METADATA_MAX_BYTES, pointing at `path`. */
export function checkMetadataSize(metadata: object | undefined, path: string): void {
  if (metadata === undefined) return;
  const bytes = Buffer.byteLength(canonicalJson(metadata), 'utf8');
  if (bytes > METADATA_MAX_BYTES)
    throw invalidArgument(
      path,
      'metadata_too_large',
      `${path}: ${bytes} bytes of canonical JSON, over the ${METADATA_MAX_BYTES} a derivation keeps`,
      { bytes, max_bytes: METADATA_MAX_BYTES },
    );
}
