import {
  noNewComponents,
  type ResolveComponentsReply,
  type ResolveComponentsRequest,
} from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import type { RpcContext } from '@crucible/messaging';
import { componentNotFound, firstMissing } from '../domain/hash-refs';
import { planResolution, type ResolutionPlan } from '../domain/resolution-plan';
import { meetsScenarioTerms } from '../domain/scenario-terms';
import {
  isKnownStored,
  rememberStored,
  storeInline,
  type StoredInline,
} from '../flows/component-writes';
import { isFound, lookUpReferences, type FoundComponents } from '../flows/resolve-lookups';
import { resolvedReply } from '../flows/resolved-reply';
import type { ComponentsDeps } from './deps';

const NOTHING_STORED: StoredInline = { inserted: new Set(), counts: noNewComponents() };

/**
 * resolve_components (for other services, not at the gateway): checks and
 * hashes every inline item, checks every {hash} reference exists, and with
 * `store` stores the inline items; answers one entry per request item, in
 * request order. With `store` and something inline, everything from the
 * lookups to the last insert is one transaction, so a missing reference
 * writes nothing; without, nothing is written at all. With
 * `store_if_scenario`, the items are stored only when they make a valid
 * scenario under its terms (`stored` says whether they were). Inline items
 * known to be stored already (`isKnownStored`) are not written again: when
 * all are, no transaction is opened; nor when nothing is referenced by hash
 * (nothing to look up: the insert, one statement, is atomic by itself, and
 * BEGIN and COMMIT were two of its three round trips).
 */
export async function resolveComponents(
  deps: ComponentsDeps,
  request: ResolveComponentsRequest,
  ctx: RpcContext,
): Promise<ResolveComponentsReply> {
  const plan = planResolution(request);
  const terms = request.store_if_scenario;
  // Components known to be stored would be reused: inserting them changes
  // nothing, so they are left out (all of them, for a repeated request).
  const writes = plan.writes.filter((write) => !isKnownStored(deps, write.kind, write.hash));
  if (!request.store || writes.length === 0) {
    const found = await lookUpReferences(deps, plan);
    assertAllFound(plan, found);
    const reply = resolvedReply(plan, found, NOTHING_STORED);
    return terms ? { ...reply, stored: request.store && meetsScenarioTerms(terms, reply) } : reply;
  }
  const lookUpAndStore = async (trx?: Knex.Transaction): Promise<ResolveComponentsReply> => {
    const found = await lookUpReferences(deps, plan, trx);
    assertAllFound(plan, found);
    if (terms) {
      const unstored = resolvedReply(plan, found, NOTHING_STORED);
      if (!meetsScenarioTerms(terms, unstored)) return { ...unstored, stored: false };
    }
    const stored = resolvedReply(plan, found, await storeInline(deps, ctx, writes, trx));
    return terms ? { ...stored, stored: true } : stored;
  };
  // Nothing referenced by hash: nothing to look up, and the insert (one
  // statement) is atomic by itself. Otherwise the lookups and the insert
  // share a transaction (queries only inside: the embedded default has one
  // connection for all).
  const reply =
    plan.hashRefs.length === 0
      ? await lookUpAndStore()
      : await deps.store.transaction((trx) => lookUpAndStore(trx));
  // Committed: every inline component is stored now, inserted or reused.
  if (reply.stored !== false) rememberStored(deps, plan.writes);
  return reply;
}

function assertAllFound(plan: ResolutionPlan, found: FoundComponents): void {
  const missing = firstMissing(plan.hashRefs, (kind, hash) => isFound(found, kind, hash));
  if (missing) throw componentNotFound(missing);
}
