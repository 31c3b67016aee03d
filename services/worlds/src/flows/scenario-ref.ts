import type { CallerContext } from '@crucible/messaging';
import {
  CrucibleError,
  isCrucibleError,
  type AssembleScenarioRequest,
  type Scenario,
  type WorldScenarioRef,
} from '@crucible/contracts';
import type { WorldsDeps } from '../handlers/deps';

/** A scenario a world starts from: its manifest hash, its content, and what the caller gave. */
export interface ResolvedScenario {
  readonly hash: string;
  readonly scenario: Scenario;
  readonly ref: { readonly kind: 'name' | 'hash' | 'data'; readonly value: string };
}

/**
 * The scenario a `scenario_ref` stands for, from the scenarios service: by
 * name (resolved now) or hash, read with get_scenario; a `data` scenario is
 * first validated and stored by assemble_scenario (store-or-reuse), so the
 * world's scenario_hash is always the manifest hash of a stored scenario.
 * `path` is where the reference sits in our request; the scenarios service's
 * refusals are pointed there.
 */
export async function resolveScenario(
  deps: WorldsDeps,
  ref: WorldScenarioRef,
  path: string,
  caller: CallerContext,
): Promise<ResolvedScenario> {
  if (ref.data !== undefined) {
    const assembled = await withPath(path, () =>
      deps.scenarios.assemble(assembleRequest(ref.data as Scenario), caller),
    );
    const stored = await withPath(path, () =>
      deps.scenarios.get({ hash: assembled.scenario_hash }, caller),
    );
    return {
      hash: stored.hash,
      scenario: plain(stored.scenario),
      ref: { kind: 'data', value: stored.hash },
    };
  }
  if (ref.name !== undefined) {
    const stored = await withPath(path, () =>
      deps.scenarios.get({ name: ref.name as string }, caller),
    );
    return {
      hash: stored.hash,
      scenario: plain(stored.scenario),
      ref: { kind: 'name', value: ref.name },
    };
  }
  const hash = ref.hash as string;
  const stored = await withPath(path, () => deps.scenarios.get({ hash }, caller));
  return {
    hash: stored.hash,
    scenario: plain(stored.scenario),
    ref: { kind: 'hash', value: hash },
  };
}

/**
 * The scenario as plain JSON values: the reply's objects may come from
 * another realm (a test runner's sandbox decoding the bus message), which
 * canonical JSON refuses; the states seeded from it are hashed.
 */
function plain(scenario: Scenario): Scenario {
  return JSON.parse(JSON.stringify(scenario)) as Scenario;
}

/** A full scenario as an assembly with every component inline. */
function assembleRequest(data: Scenario): AssembleScenarioRequest {
  return {
    scenario_slug: data.scenario_slug,
    description: data.description,
    chronon_seconds: data.chronon_seconds,
    cognition_profiles: Object.fromEntries(
      Object.entries(data.cognition_profiles).map(([label, p]) => [
        label,
        {
          inline: {
            perceive_system: { inline: p.perceive_system },
            intend_system: { inline: p.intend_system },
            adjudicate_system: { inline: p.adjudicate_system },
            adjudication_schema: { inline: p.adjudication_schema },
            adjudication_retry_budget: p.adjudication_retry_budget,
          },
        },
      ]),
    ),
    environments: Object.fromEntries(
      Object.entries(data.environments).map(([label, text]) => [label, { inline: text }]),
    ),
    entities: data.entities.map((entity) => ({ inline: entity })),
    operator: 'worlds',
    note: 'create_world with scenario_ref.data',
  } as AssembleScenarioRequest;
}

/**
 * Runs a call to the scenarios service, pointing its 4xx refusals into our
 * request: `/name` becomes `<path>/name`, and a path inside the assembly
 * (`/entities/2/inline/name`) becomes `<path>/data/entities/2/name`.
 */
async function withPath<T>(path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      isCrucibleError(error) &&
      (error.code === 'invalid_argument' || error.code === 'not_found')
    ) {
      const inner = typeof error.details.path === 'string' ? error.details.path : '';
      const mapped =
        inner === '/name' || inner === '/hash'
          ? `${path}${inner}`
          : `${path}/data${inner.replace(/\/inline(?=\/|$)/g, '')}`;
      throw new CrucibleError(
        error.code,
        `${mapped}: ${error.message}`,
        { ...error.details, path: mapped },
        { cause: error },
      );
    }
    throw error;
  }
}
