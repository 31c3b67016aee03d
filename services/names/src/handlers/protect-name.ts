import type {
  ProtectNameReply,
  ProtectNameRequest,
  UnprotectNameReply,
  UnprotectNameRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { NamesDeps } from './deps';

/**
 * protect_name: from now on the name moves only under an approved directive
 * naming it. Takes the name's move lock, so a move in flight either commits
 * before it or sees the protection. A name need not be set to be protected.
 */
export async function protectName(
  deps: NamesDeps,
  request: ProtectNameRequest,
  ctx: RpcContext,
): Promise<ProtectNameReply> {
  const changed = await deps.store.transaction(async (trx) => {
    await deps.store.lockNames([request.name], trx);
    return deps.store.protect(
      {
        name: request.name,
        protected_at: await deps.store.moveTime(trx),
        actor: ctx.principal ?? null,
        note: request.note ?? null,
      },
      trx,
    );
  });
  return { name: request.name, protected: true, changed };
}

/** unprotect_name: the name moves freely again. */
export async function unprotectName(
  deps: NamesDeps,
  request: UnprotectNameRequest,
): Promise<UnprotectNameReply> {
  const changed = await deps.store.transaction(async (trx) => {
    await deps.store.lockNames([request.name], trx);
    return deps.store.unprotect(request.name, trx);
  });
  return { name: request.name, protected: false, changed };
}
