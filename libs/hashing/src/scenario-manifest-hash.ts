import { canonicalJson } from './canonical-json';
import {
  requireHashBindings,
  requireHashList,
  requireInteger,
  requireRecord,
  requireText,
} from './input-checks';
import { sha256Hex } from './sha256';

/** The scalars and bindings that make a scenario manifest. */
export interface ScenarioManifestHashInput {
  readonly scenario_slug: string;
  readonly description: string;
  readonly chronon_seconds: number;
  /** Profile label → cognition profile hash. */
  readonly cognition_profiles: Readonly<Record<string, string>>;
  /** Environment label → environment component hash. */
  readonly environments: Readonly<Record<string, string>>;
  /** Entity component hashes, in scenario order (order is significant). */
  readonly entity_hashes: readonly string[];
}

/**
 * The exact canonical JSON a scenario manifest hash is taken over: an object
 * of these six members and no others, keys (and labels within the two maps)
 * in canonical order:
 * {"chronon_seconds":n,"cognition_profiles":{label:h...},"description":s,
 *  "entity_hashes":[h...],"environments":{label:h...},"scenario_slug":s}.
 * Extra members of `input` are ignored. Throws InvalidHashInputError naming
 * the field (and the JSON Pointer of the bad value) when a hash is not
 * lowercase SHA-256 hex, chronon_seconds is not a safe integer, a text or
 * label has a lone surrogate, or a member has the wrong type. Slug and label
 * grammar and chronon range are the scenario validator's job, not this one's.
 */
export function scenarioManifestCanonicalJson(input: ScenarioManifestHashInput): string {
  const record = requireRecord(input, []);
  return canonicalJson({
    chronon_seconds: requireInteger(record.chronon_seconds, ['chronon_seconds']),
    cognition_profiles: requireHashBindings(record.cognition_profiles, ['cognition_profiles']),
    description: requireText(record.description, ['description']),
    entity_hashes: requireHashList(record.entity_hashes, ['entity_hashes']),
    environments: requireHashBindings(record.environments, ['environments']),
    scenario_slug: requireText(record.scenario_slug, ['scenario_slug']),
  });
}

/**
 * Content address of a scenario manifest: SHA-256 of
 * scenarioManifestCanonicalJson(input). Label maps are hashed as objects, so
 * their insertion order does not matter but which hash sits under which label
 * does; entity order matters.
 */
export function scenarioManifestHash(input: ScenarioManifestHashInput): string {
  return sha256Hex(scenarioManifestCanonicalJson(input));
}
