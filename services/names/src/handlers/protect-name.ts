import type {
  ProtectNameReply,
  ProtectNameRequest,
  UnprotectNameReply,
  UnprotectNameRequest,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { nameProtectionChangedEvent } from '../flows/name-events';
import type { NamesDeps } from './deps';

/**
 * protect_name: from now on the name moves only under an approved directive
 * naming it. Takes the name's move lock, so a move in flight either commits
 * before it or sees the protection. A name need not be set to be protected.
 * A change writes a `name_protection_changed` event in its transaction.
 */
export async function protectName(
  deps: NamesDeps,
  request: ProtectNameRequest,
  ctx: RpcContext,
): Promise<ProtectNameReply> {
  const changed = await deps.store.transaction(async (trx) => {
    await deps.store.lockNames([request.name], trx);
    const at = await deps.store.moveTime(trx);
    const actor = ctx.principal ?? null;
    const note = request.note ?? null;
    const done = await deps.store.protect(
      { name: request.name, protected_at: at, actor, note },
      trx,
    );
    if (done) {
      const data = {
        name: request.name,
        protected: true,
        actor,
        note,
        changed_at: at.toISOString(),
      };
      await deps.store.enqueue([nameProtectionChangedEvent(deps, ctx, data)], trx);
    }
    return done;
  });
  return { name: request.name, protected: true, changed };
}

/** unprotect_name: the name moves freely again (an event when it was protected). */
export async function unprotectName(
  deps: NamesDeps,
  request: UnprotectNameRequest,
  ctx: RpcContext,
): Promise<UnprotectNameReply> {
  const changed = await deps.store.transaction(async (trx) => {
    await deps.store.lockNames([request.name], trx);
    const done = await deps.store.unprotect(request.name, trx);
    if (done) {
      const at = await deps.store.moveTime(trx);
      const data = {
        name: request.name,
        protected: false,
        actor: ctx.principal ?? null,
        note: request.note ?? null,
        changed_at: at.toISOString(),
      };
      await deps.store.enqueue([nameProtectionChangedEvent(deps, ctx, data)], trx);
    }
    return done;
  });
  return { name: request.name, protected: false, changed };
}
