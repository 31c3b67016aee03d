import {
  CrucibleError,
  invalidArgument,
  isCrucibleError,
  type NewComponents,
  type ResolveComponentsReply,
  type ResolveComponentsRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { Bound, ResolvedDraft, ScenarioDraft } from '../domain/draft';
import { MAX_SCENARIO_BYTES } from '../domain/scenario-rules';
import { scenarioSkeletonBytes } from '../domain/scenario-size';
import type { ScenariosDeps } from '../handlers/deps';

export interface Resolution {
  readonly resolved: ResolvedDraft;
  readonly newComponents: NewComponents;
  /** Whether the components service stored the inline components. */
  readonly stored: boolean;
}

/**
 * Resolves every reference of a draft in one request to the components
 * service: {hash} ones must exist, {inline} ones are validated and hashed.
 * With `store`, the inline ones are stored in that same request, but only if
 * the resolved draft passes the scenario rules that need resolved content
 * (every entity's environment and agent's profile bound, an agent, unique
 * ids, the size limit): the components service checks them under the terms
 * sent (`store_if_scenario`) before it writes anything, and answers whether
 * it stored. The rules themselves are still checked here, on the reply, and
 * report any failure (checkScenarioRules). Errors come back pointing into
 * the components request; they are re-pointed at the scenario request.
 */
export async function resolveDraft(
  deps: ScenariosDeps,
  draft: ScenarioDraft,
  options: { store: boolean },
  ctx: RpcContext,
): Promise<Resolution> {
  const profileLabels = [...draft.cognition_profiles.keys()];
  const environmentLabels = [...draft.environments.keys()];
  const profiles = profileLabels.map((label) => bound(draft.cognition_profiles.get(label)));
  const environments = environmentLabels.map((label) => bound(draft.environments.get(label)));
  const request: ResolveComponentsRequest = {
    store: options.store,
    cognition_profiles: profiles.map((b) => b.ref),
    environments: environments.map((b) => b.ref),
    entities: draft.entities.map((b) => b.ref),
    ...(options.store && {
      store_if_scenario: {
        environment_labels: environmentLabels,
        cognition_profile_labels: profileLabels,
        base_bytes: scenarioSkeletonBytes(draft),
        max_bytes: MAX_SCENARIO_BYTES,
      },
    }),
  };
  let reply: ResolveComponentsReply;
  try {
    reply = await deps.components.resolve(request, ctx);
  } catch (error) {
    // The reply carries the entities' contents; one too large for the bus
    // means they alone are far over the scenario size limit (the largest
    // reply of a scenario within it is under 1 MB), so the terms kept the
    // inline components from being stored.
    if (isCrucibleError(error) && error.details.reason === 'reply_too_large') {
      throw invalidArgument(
        '',
        'scenario_too_large',
        'the scenario is far over the 256 KB limit of canonical JSON',
      );
    }
    throw repoint(error, { cognition_profiles: profiles, environments, entities: draft.entities });
  }
  return {
    resolved: {
      draft,
      profiles: zip(profileLabels, reply.cognition_profiles),
      environments: zip(environmentLabels, reply.environments),
      entities: reply.entities,
    },
    newComponents: reply.new_components,
    stored: reply.stored === true,
  };
}

/** Whether storing the draft can write components (anything given inline). */
export function hasInline(draft: ScenarioDraft): boolean {
  const inline = (b: Bound<{ inline?: unknown }>) => b.ref.inline !== undefined;
  return (
    [...draft.cognition_profiles.values()].some(inline) ||
    [...draft.environments.values()].some(inline) ||
    draft.entities.some(inline)
  );
}

function bound<R>(value: Bound<R> | undefined): Bound<R> {
  if (!value) throw new Error('binding disappeared');
  return value;
}

function zip<T>(labels: string[], values: T[]): Map<string, T> {
  if (labels.length !== values.length)
    throw new Error('components service answered a different number of items');
  return new Map(labels.map((label, i) => [label, values[i] as T]));
}

/** `/entities/3/inline/name` in the components request -> the entity's own path in ours. */
function repoint(error: unknown, lists: Record<string, ReadonlyArray<Bound<unknown>>>): unknown {
  if (!isCrucibleError(error) || typeof error.details.path !== 'string') return error;
  const match = /^\/(cognition_profiles|environments|entities)\/(\d+)(\/.*)?$/.exec(
    error.details.path,
  );
  if (!match) return error;
  const [, list = '', index = '', rest = ''] = match;
  const item = lists[list]?.[Number(index)];
  const base = item?.path ?? '/changes';
  const path = base + (item?.path ? rest : '');
  const message = error.message.startsWith(error.details.path)
    ? path + error.message.slice(error.details.path.length)
    : error.message;
  return new CrucibleError(
    error.code,
    message,
    { ...error.details, path },
    { retryable: error.retryable, cause: error },
  );
}
