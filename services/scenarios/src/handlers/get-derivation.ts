import { notFound, type GetDerivationReply, type GetDerivationRequest } from '@crucible/contracts';
import type { ScenariosDeps } from './deps';

/** get_derivation: one derivation with its parent edges. */
export async function getDerivation(
  deps: ScenariosDeps,
  request: GetDerivationRequest,
): Promise<GetDerivationReply> {
  const row = await deps.store.derivation(request.id);
  if (!row)
    throw notFound(`no derivation ${request.id}`, {
      path: '/id',
      reason: 'derivation_not_found',
      id: request.id,
    });
  return { ...row, created_at: row.created_at.toISOString() };
}
