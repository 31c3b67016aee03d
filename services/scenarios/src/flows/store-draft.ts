import { scenarioManifestHash } from '@crucible/hashing';
import {
  internal,
  toCrucibleError,
  type AssembleScenarioReply,
  type WireError,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { ResolvedDraft, ScenarioDraft } from '../domain/draft';
import { checkScenarioRules } from '../domain/scenario-rules';
import type { ScenariosDeps } from '../handlers/deps';
import type { WriteEvents } from '../store/scenario-store';
import { hasInline, resolveDraft } from './resolve-draft';

export interface StoreOptions {
  readonly parents: ReadonlyArray<{ parent_hash: string; role: string | null }>;
  readonly operator: string | null;
  readonly note: string | null;
  /** The derivation's metadata, once the draft is resolved (a fork adds touched_components). */
  readonly metadata: (resolved: ResolvedDraft) => Record<string, unknown>;
  readonly name?: string;
}

export interface StoredDraft {
  readonly reply: AssembleScenarioReply;
  readonly resolved: ResolvedDraft;
  /** The derivation's metadata as stored. */
  readonly metadata: Record<string, unknown>;
}

/**
 * The path every assembly and fork takes:
 * 1. one resolve_components request resolves every reference and stores the
 *    inline components (store-or-reuse), but only if the scenario passes the
 *    rules that need their content, which the components service checks
 *    before writing (see resolve-draft.ts); the scenario rules are then
 *    checked here and report any failure. A bad scenario writes nothing
 *    anywhere. An orphan component, if the next step fails, is legal:
 *    components are immutable, and the retry reuses it;
 * 2. commit manifest, bindings, derivation and events in one statement
 *    (the derivation's id taken during step 1, so its event is built first);
 * 3. set the name, if asked, through the names service. If that fails the
 *    reply still reports the stored scenario, with `name_error`; retrying the
 *    whole call is safe (steps 1 and 2 are store-or-reuse, and setting a name
 *    to where it already points changes nothing).
 */
export async function storeDraft(
  deps: ScenariosDeps,
  draft: ScenarioDraft,
  options: StoreOptions,
  ctx: RpcContext,
): Promise<StoredDraft> {
  // A blank description is the one rule the terms sent cannot carry: known
  // here, and reported below after the components service's own checks.
  const store = hasInline(draft) && draft.description.trim() !== '';
  // The derivation's id is taken while the components service resolves, off
  // the call's path. A request refused below leaves a gap in the ids, as a
  // write that finds its derivation stored always did (scenario-write.ts).
  const reservation = deps.store.reserveDerivationId();
  reservation.catch(() => undefined); // awaited below, unless a refusal comes first
  const { resolved, newComponents, stored } = await resolveDraft(deps, draft, { store }, ctx);
  try {
    checkScenarioRules(resolved);
  } catch (error) {
    if (stored) {
      deps.logger.error('components were stored for a scenario its rules refuse', { error });
    }
    throw error;
  }
  if (store && !stored) {
    // The terms refused what the rules accept: storing the scenario would
    // bind components that are not stored.
    deps.logger.error('the components service did not store the components of a valid scenario');
    throw internal();
  }
  const cognition_profile_hashes = Object.fromEntries(
    [...resolved.profiles].map(([label, p]) => [label, p.hash]),
  );
  const environment_hashes = Object.fromEntries(
    [...resolved.environments].map(([label, e]) => [label, e.hash]),
  );
  const entity_hashes = resolved.entities.map((e) => e.hash);
  const hash = scenarioManifestHash({
    scenario_slug: draft.scenario_slug,
    description: draft.description,
    chronon_seconds: draft.chronon_seconds,
    cognition_profiles: cognition_profile_hashes,
    environments: environment_hashes,
    entity_hashes,
  });
  const metadata = options.metadata(resolved);
  const derivationId = await reservation;
  const outcome = await deps.store.write(
    {
      hash,
      scenario_slug: draft.scenario_slug,
      description: draft.description,
      chronon_seconds: draft.chronon_seconds,
      cognition_profiles: new Map(Object.entries(cognition_profile_hashes)),
      environments: new Map(Object.entries(environment_hashes)),
      entity_hashes,
      profile_parts: new Map(
        [...resolved.profiles.values()].map((p) => [
          p.hash,
          {
            perceive_system_hash: p.perceive_system_hash,
            intend_system_hash: p.intend_system_hash,
            adjudicate_system_hash: p.adjudicate_system_hash,
            adjudication_schema_hash: p.adjudication_schema_hash,
            adjudication_retry_budget: p.adjudication_retry_budget,
          },
        ]),
      ),
      parents: options.parents,
      operator: options.operator,
      actor: ctx.principal ?? null,
      note: options.note,
      metadata,
      derivation_id: derivationId,
    },
    events(deps, ctx, hash, draft.scenario_slug, options, derivationId),
  );
  const naming =
    options.name === undefined
      ? { name: null, name_error: null }
      : await setName(deps, options.name, hash, ctx);
  const reply: AssembleScenarioReply = {
    scenario_hash: hash,
    was_new_scenario: outcome.wasNewScenario,
    cognition_profile_hashes,
    environment_hashes,
    entity_hashes,
    new_components: newComponents,
    derivation_id: outcome.derivationId,
    was_new_derivation: outcome.wasNewDerivation,
    ...naming,
  };
  return { reply, resolved, metadata };
}

/** The events a write may make, each written only if what it reports is new. */
function events(
  deps: ScenariosDeps,
  ctx: RpcContext,
  hash: string,
  slug: string,
  options: StoreOptions,
  derivationId: number,
): WriteEvents {
  const meta = { key: hash, causationId: ctx.requestId, correlationId: ctx.correlationId };
  return {
    scenario: deps.events.event(
      'scenarios.scenario_stored',
      { hash, scenario_slug: slug, actor: ctx.principal ?? null },
      meta,
    ),
    derivation: deps.events.event(
      'scenarios.derivation_recorded',
      {
        derivation_id: derivationId,
        child_hash: hash,
        // The edges recorded: none from the scenario to itself (scenario-write.ts).
        parents: options.parents.filter((p) => p.parent_hash !== hash),
        operator: options.operator,
        actor: ctx.principal ?? null,
      },
      meta,
    ),
  };
}

async function setName(
  deps: ScenariosDeps,
  name: string,
  hash: string,
  ctx: RpcContext,
): Promise<{ name: AssembleScenarioReply['name']; name_error: WireError | null }> {
  try {
    const moved = await deps.names.set(name, hash, ctx);
    // Read-your-writes for names set here; the name_moved event brings the same change later.
    if (moved.history_id !== null)
      await deps.store.projectNameMove({ name, hash, history_id: moved.history_id });
    return { name: { name, hash, history_id: moved.history_id }, name_error: null };
  } catch (error) {
    const wire = toCrucibleError(error);
    deps.logger.warn('scenario stored but its name was not set', { name, hash, error });
    return {
      name: null,
      name_error: { ...wire.toWire(), details: { ...wire.details, path: '/name' } },
    };
  }
}
