import type { PutCognitionProfileReply, PutCognitionProfileRequest } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { HashRef } from '../domain/hash-refs';
import { componentKey, profileWrites } from '../domain/inline-writes';
import { prepareProfile } from '../domain/profile-input';
import { checkRefsExist, storeInline } from '../flows/component-writes';
import type { ComponentsDeps } from './deps';

/**
 * put_cognition_profile: each part by {hash} (must exist) or {inline}
 * (store-or-reuse). All checks happen before any write, and everything is
 * written in one transaction, so a missing {hash} writes nothing.
 */
export async function putCognitionProfile(
  deps: ComponentsDeps,
  request: PutCognitionProfileRequest,
  ctx: RpcContext,
): Promise<PutCognitionProfileReply> {
  const profile = prepareProfile(request, '');
  const refs: HashRef[] = profile.parts
    .filter((part) => !part.inline)
    .map((part) => ({ kind: part.kind, hash: part.hash, path: part.path }));
  const stored = await deps.store.transaction(async (trx) => {
    await checkRefsExist(deps, refs, trx);
    return storeInline(deps, ctx, profileWrites(profile), trx);
  });
  const { hash, adjudication_retry_budget: _budget, ...partHashes } = profile.row;
  return {
    hash,
    was_new: stored.inserted.has(componentKey('cognition_profile', hash)),
    ...partHashes,
    new_components: stored.counts,
  };
}
