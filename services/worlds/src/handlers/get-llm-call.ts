import { notFound, type GetLlmCallReply, type GetLlmCallRequest } from '@crucible/contracts';
import type { WorldsDeps } from './deps';

/** get_llm_call: a recorded call by its request hash. */
export async function getLlmCall(
  deps: WorldsDeps,
  request: GetLlmCallRequest,
): Promise<GetLlmCallReply> {
  const call = await deps.calls.find(request.hash);
  if (!call) {
    throw notFound(`no recorded LLM call ${request.hash}`, {
      path: '/hash',
      reason: 'llm_call_not_found',
    });
  }
  const world = await deps.store.worldById(call.world_id);
  return {
    hash: call.hash,
    world_slug: world?.slug ?? '',
    turn: call.turn,
    agent_id: call.agent_id,
    phase: call.phase,
    provider: call.provider,
    model: call.model,
    input_tokens: call.input_tokens,
    output_tokens: call.output_tokens,
    latency_ms: call.latency_ms,
    recorded_at: new Date(call.recorded_at).toISOString(),
    request: call.request,
    content: call.content,
    params: call.params,
    finish_reason: call.finish_reason,
  };
}
