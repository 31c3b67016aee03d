import { isCrucibleError, notFound } from '@crucible/contracts';
import type { CallerContext } from '@crucible/messaging';
import { LRUCache } from 'lru-cache';
import { profileHash } from '../domain/run-plan';
import type { EvaluationDeps } from '../handlers/deps';

/** A scenario of a run: its hash and the hash of its cognition profiles (a result key part). */
export interface ResolvedScenario {
  readonly hash: string;
  readonly profileHash: string;
}

/** Scenario hashes a replica remembers the profile hash of (a hash and a hash each). */
export const SCENARIO_PROFILE_CACHE_SIZE = 10_000;

/**
 * A replica's scenario hash -> profile hash, the least recently used dropped
 * first. Only facts fixed by content belong here (a scenario's hash fixes its
 * cognition profiles), never anything that moves, such as a name's target.
 */
export function scenarioProfileCache(): LRUCache<string, string> {
  return new LRUCache<string, string>({ max: SCENARIO_PROFILE_CACHE_SIZE });
}

type Deps = Pick<EvaluationDeps, 'scenarios' | 'names' | 'scenarioProfiles'>;

/** Suite scenarios resolved at once (each a request to the names or scenarios service). */
const RESOLVE_CONCURRENCY = 8;

/**
 * The suite's scenarios as hashes (each once, in suite order). A name is
 * resolved now (resolve_name: names move); a hash's profile hash is asked of
 * the scenarios service (get_scenario) only the first time this replica
 * sees it, since a stored scenario never changes and is never deleted. A
 * reference that names nothing stored is `scenario_not_found` at
 * `/experiment_id` with its `suite_path` (the first such in suite order).
 */
export async function resolveSuite(
  deps: Deps,
  refs: ReadonlyArray<{ name: string } | { hash: string }>,
  caller: CallerContext,
): Promise<ResolvedScenario[]> {
  const settled = await settleBounded(refs, RESOLVE_CONCURRENCY, async (ref) => {
    const hash = 'hash' in ref ? ref.hash : await deps.names.current(ref.name, caller);
    return hash === null ? undefined : await scenarioOfHash(deps, hash, caller);
  });
  const resolved = new Map<string, ResolvedScenario>();
  for (const [i, outcome] of settled.entries()) {
    const missing =
      outcome.status === 'fulfilled'
        ? outcome.value === undefined
        : isCrucibleError(outcome.reason) && outcome.reason.code === 'not_found';
    if (missing) {
      throw notFound(`scenario ${JSON.stringify(refs[i])} of the suite is not stored`, {
        reason: 'scenario_not_found',
        path: '/experiment_id',
        suite_path: `/scenarios/${i}`,
      });
    }
    if (outcome.status === 'rejected') throw outcome.reason;
    const scenario = outcome.value as ResolvedScenario;
    if (!resolved.has(scenario.hash)) resolved.set(scenario.hash, scenario);
  }
  return [...resolved.values()];
}

/**
 * A stored scenario's hash and profile hash: remembered, or asked of the
 * scenarios service (its `not_found` passes through for the caller to place).
 */
export async function scenarioOfHash(
  deps: Pick<Deps, 'scenarios' | 'scenarioProfiles'>,
  hash: string,
  caller: CallerContext,
): Promise<ResolvedScenario> {
  const known = deps.scenarioProfiles.get(hash);
  if (known !== undefined) return { hash, profileHash: known };
  const scenario = await deps.scenarios.get({ hash }, caller);
  const resolved = {
    hash: scenario.hash,
    profileHash: profileHash(scenario.cognition_profile_hashes),
  };
  deps.scenarioProfiles.set(resolved.hash, resolved.profileHash);
  return resolved;
}

/** `fn` over `items`, at most `limit` at once; every outcome, in item order. */
async function settleBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const outcomes = new Array<PromiseSettledResult<R>>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        outcomes[i] = { status: 'fulfilled', value: await fn(items[i] as T) };
      } catch (reason) {
        outcomes[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return outcomes;
}
