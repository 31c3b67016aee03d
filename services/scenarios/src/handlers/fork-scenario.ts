import { notFound, type ForkScenarioReply, type ForkScenarioRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { applyChanges } from '../domain/fork-changes';
import { checkMetadataSize } from '../domain/scenario-size';
import { boundTouched, touchedComponents } from '../domain/touched-components';
import type { ScenariosDeps } from './deps';
import { referencedHash, scenarioNotFound } from '../flows/scenario-ref';
import { storeDraft } from '../flows/store-draft';

/**
 * fork_scenario: the primary parent (by name or hash) with the changes
 * applied; parent edges (primary first, role "primary" unless given, then the
 * additional parents) and the touched components recorded in the derivation.
 * A parent equal to the result gets no edge (`unchanged` when it is the
 * primary parent, every such parent in `skipped_parent_hashes`).
 */
export async function forkScenario(
  deps: ScenariosDeps,
  request: ForkScenarioRequest,
  ctx: RpcContext,
): Promise<ForkScenarioReply> {
  checkMetadataSize(request.metadata_extra, '/metadata_extra');
  const parentHash = await referencedHash(deps, request.primary_parent, '/primary_parent', ctx);
  // The parent's bindings and profile compositions in one round trip, which
  // is also the lookup of a {hash} reference (store/scenario-read.ts).
  const read = await deps.store.read(parentHash);
  if (!read) {
    if (request.primary_parent.hash !== undefined)
      throw scenarioNotFound(parentHash, '/primary_parent');
    throw notFound(`no scenario with hash ${parentHash}`, {
      path: '/primary_parent',
      reason: 'scenario_not_found',
    });
  }
  const { bindings: parent, parts: parentProfiles } = read;
  const additional = request.additional_parents ?? [];
  const existing = await deps.store.existing(additional.map((p) => p.parent_hash));
  additional.forEach((p, index) => {
    if (!existing.has(p.parent_hash)) {
      throw notFound(`no scenario with hash ${p.parent_hash}`, {
        path: `/additional_parents/${index}/parent_hash`,
        reason: 'scenario_not_found',
        hash: p.parent_hash,
      });
    }
  });
  const draft = applyChanges(parent, request.changes);
  const parents = [
    { parent_hash: parentHash, role: 'primary' },
    ...additional.map((p) => ({ parent_hash: p.parent_hash, role: p.role ?? null })),
  ];
  const { reply, metadata } = await storeDraft(
    deps,
    draft,
    {
      parents,
      operator: request.operator ?? null,
      note: request.note ?? null,
      metadata: (resolved) => ({
        ...(request.metadata_extra ?? {}),
        ...boundTouched(
          touchedComponents(parent, parentProfiles, {
            scenario_slug: draft.scenario_slug,
            description: draft.description,
            chronon_seconds: draft.chronon_seconds,
            cognition_profiles: resolved.profiles,
            environments: resolved.environments,
            entity_hashes: resolved.entities.map((e) => e.hash),
          }),
        ),
      }),
      ...(request.name === undefined ? {} : { name: request.name }),
    },
    ctx,
  );
  // A result equal to a parent gets no edge from that parent (it would be
  // its own parent): the reply says which were left out.
  const hash = reply.scenario_hash;
  return {
    ...reply,
    parent_hashes: parents.map((p) => p.parent_hash).filter((h) => h !== hash),
    unchanged: hash === parentHash,
    skipped_parent_hashes: parents.some((p) => p.parent_hash === hash) ? [hash] : [],
    touched_components: metadata.touched_components as ForkScenarioReply['touched_components'],
    ...(metadata.touched_components_truncated === true
      ? {
          touched_components_truncated: true,
          touched_components_count: metadata.touched_components_count as number,
        }
      : {}),
  };
}
