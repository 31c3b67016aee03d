import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { MindRequest } from './mind';
import type { WireFormat } from './structured-output';

/**
 * The chat completion body for a request: its messages (as the structured
 * output mode shaped them), the model, the response format, and every
 * sampling parameter the world set. Unset parameters are left out so the
 * server's own defaults apply, as they did when the world was recorded.
 */
export function chatRequestBody(
  request: MindRequest,
  model: string,
  wire: WireFormat,
): ChatCompletionCreateParamsNonStreaming {
  const { params } = request;
  const body: ChatCompletionCreateParamsNonStreaming = {
    model,
    messages: wire.messages.map((message) => ({ role: message.role, content: message.content })),
  };
  if (wire.responseFormat !== undefined) {
    body.response_format =
      wire.responseFormat.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: {
              name: wire.responseFormat.json_schema.name,
              schema: wire.responseFormat.json_schema.schema as Record<string, unknown>,
              strict: wire.responseFormat.json_schema.strict,
            },
          }
        : { type: 'json_object' };
  }
  if (params.temperature !== undefined) body.temperature = params.temperature;
  if (params.top_p !== undefined) body.top_p = params.top_p;
  // max_tokens, not max_completion_tokens: local servers (llama.cpp, Ollama,
  // older vLLM) know only the former.
  if (params.max_tokens !== undefined) body.max_tokens = params.max_tokens;
  if (params.seed !== undefined) body.seed = params.seed;
  if (params.presence_penalty !== undefined) body.presence_penalty = params.presence_penalty;
  if (params.frequency_penalty !== undefined) body.frequency_penalty = params.frequency_penalty;
  if (params.stop !== undefined) body.stop = [...params.stop];
  return body;
}
