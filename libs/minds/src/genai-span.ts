import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from '@opentelemetry/semantic-conventions';
import type * as semconv from '@opentelemetry/semantic-conventions/incubating';
import type { MindFailureKind, MindRequest, TokenUsage } from './mind';

// GenAI attribute names of the OpenTelemetry semantic conventions (the
// inference span, "chat {model}"). Written out as @crucible/telemetry does for
// messaging: the incubating entry is large and renames things in minor
// releases, so each name is typed against its definition and a rename fails
// the build. We emit gen_ai.provider.name, which replaced the deprecated
// gen_ai.system (semconv 1.37); docs/services/worlds-minds.md says why.

export const ATTR_GEN_AI_OPERATION_NAME: typeof semconv.ATTR_GEN_AI_OPERATION_NAME =
  'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME: typeof semconv.ATTR_GEN_AI_PROVIDER_NAME =
  'gen_ai.provider.name';
export const ATTR_GEN_AI_OUTPUT_TYPE: typeof semconv.ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';
export const ATTR_GEN_AI_REQUEST_MODEL: typeof semconv.ATTR_GEN_AI_REQUEST_MODEL =
  'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE: typeof semconv.ATTR_GEN_AI_REQUEST_TEMPERATURE =
  'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P: typeof semconv.ATTR_GEN_AI_REQUEST_TOP_P =
  'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS: typeof semconv.ATTR_GEN_AI_REQUEST_MAX_TOKENS =
  'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_SEED: typeof semconv.ATTR_GEN_AI_REQUEST_SEED =
  'gen_ai.request.seed';
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY: typeof semconv.ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY =
  'gen_ai.request.presence_penalty';
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY: typeof semconv.ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY =
  'gen_ai.request.frequency_penalty';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES: typeof semconv.ATTR_GEN_AI_REQUEST_STOP_SEQUENCES =
  'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_RESPONSE_MODEL: typeof semconv.ATTR_GEN_AI_RESPONSE_MODEL =
  'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_ID: typeof semconv.ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS: typeof semconv.ATTR_GEN_AI_RESPONSE_FINISH_REASONS =
  'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS: typeof semconv.ATTR_GEN_AI_USAGE_INPUT_TOKENS =
  'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS: typeof semconv.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS =
  'gen_ai.usage.output_tokens';
export const ATTR_OPENAI_API_TYPE: typeof semconv.ATTR_OPENAI_API_TYPE = 'openai.api.type';
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT: typeof semconv.ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT =
  'openai.response.system_fingerprint';

/** gen_ai.provider.name of OpenAI-compatible servers: the API flavour we speak (server.address tells which host). */
export const GEN_AI_PROVIDER_OPENAI: typeof semconv.GEN_AI_PROVIDER_NAME_VALUE_OPENAI = 'openai';
/** gen_ai.provider.name of the offline mind (no registered value; ours, namespaced). */
export const GEN_AI_PROVIDER_OFFLINE = 'crucible.offline';

// Ours: which turn asked, and how the mind got its answer.
export const ATTR_CRUCIBLE_WORLD_SLUG = 'crucible.world.slug';
export const ATTR_CRUCIBLE_TURN = 'crucible.turn';
export const ATTR_CRUCIBLE_AGENT_ID = 'crucible.agent.id';
export const ATTR_CRUCIBLE_PHASE = 'crucible.phase';
/** 0 for a phase's first try, then the kernel's corrective retries. */
export const ATTR_CRUCIBLE_ATTEMPT = 'crucible.attempt';
/** HTTP attempts the mind made for this call (its own retries included). */
export const ATTR_CRUCIBLE_MIND_TRIES = 'crucible.mind.tries';
/** Milliseconds the call waited for a free slot under the provider's concurrency cap. */
export const ATTR_CRUCIBLE_MIND_QUEUE_MS = 'crucible.mind.queue_ms';
/** How a json_schema request was put to the server: json_schema, json_object or none. */
export const ATTR_CRUCIBLE_MIND_STRUCTURED_OUTPUT = 'crucible.mind.structured_output';
/** False when the server sent no token usage (the usage attributes are then left out). */
export const ATTR_CRUCIBLE_USAGE_REPORTED = 'crucible.usage.reported';

/** Span name per the conventions: "{gen_ai.operation.name} {gen_ai.request.model}". */
export function chatSpanName(model: string): string {
  return `chat ${model}`;
}

/** server.address and server.port of a base URL (port defaulted from the scheme). */
export function serverAttributes(baseUrl: string): Attributes {
  const url = new URL(baseUrl);
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  // URL keeps IPv6 hosts in brackets; server.address wants the bare address.
  return {
    [ATTR_SERVER_ADDRESS]: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    [ATTR_SERVER_PORT]: port,
  };
}

/** The attributes known when the call starts: what was asked, of whom, and why. */
export function chatRequestAttributes(
  provider: string,
  model: string,
  request: MindRequest,
): Attributes {
  const { params, purpose } = request;
  const attributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
    [ATTR_GEN_AI_PROVIDER_NAME]: provider,
    [ATTR_GEN_AI_REQUEST_MODEL]: model,
    [ATTR_GEN_AI_OUTPUT_TYPE]: request.response_format.type === 'json_schema' ? 'json' : 'text',
    [ATTR_CRUCIBLE_WORLD_SLUG]: purpose.world_slug,
    [ATTR_CRUCIBLE_TURN]: purpose.turn,
    [ATTR_CRUCIBLE_AGENT_ID]: purpose.agent_id,
    [ATTR_CRUCIBLE_PHASE]: purpose.phase,
    [ATTR_CRUCIBLE_ATTEMPT]: purpose.attempt,
  };
  const optional: Attributes = {
    [ATTR_GEN_AI_REQUEST_TEMPERATURE]: params.temperature,
    [ATTR_GEN_AI_REQUEST_TOP_P]: params.top_p,
    [ATTR_GEN_AI_REQUEST_MAX_TOKENS]: params.max_tokens,
    [ATTR_GEN_AI_REQUEST_SEED]: params.seed,
    [ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY]: params.presence_penalty,
    [ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY]: params.frequency_penalty,
    [ATTR_GEN_AI_REQUEST_STOP_SEQUENCES]: params.stop === undefined ? undefined : [...params.stop],
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) attributes[key] = value;
  }
  return attributes;
}

/** What the answer adds: who answered, why it stopped, what it cost. */
export interface ChatOutcome {
  readonly model: string;
  readonly finishReason: string;
  readonly usage: TokenUsage;
  readonly tries: number;
  readonly responseId?: string;
  readonly systemFingerprint?: string;
}

export function chatResponseAttributes(outcome: ChatOutcome): Attributes {
  const attributes: Attributes = {
    [ATTR_GEN_AI_RESPONSE_MODEL]: outcome.model,
    [ATTR_GEN_AI_RESPONSE_FINISH_REASONS]: [outcome.finishReason],
    [ATTR_CRUCIBLE_MIND_TRIES]: outcome.tries,
  };
  // Zeros for "not reported" would chart as free calls; leave them out instead.
  if (outcome.usage.reported === false) {
    attributes[ATTR_CRUCIBLE_USAGE_REPORTED] = false;
  } else {
    attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = outcome.usage.input_tokens;
    attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = outcome.usage.output_tokens;
  }
  if (outcome.responseId !== undefined) attributes[ATTR_GEN_AI_RESPONSE_ID] = outcome.responseId;
  if (outcome.systemFingerprint !== undefined) {
    attributes[ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT] = outcome.systemFingerprint;
  }
  return attributes;
}

/** error.type of a failed call: the failure kind, a small closed set dashboards can group by. */
export function chatErrorAttributes(kind: MindFailureKind, tries: number): Attributes {
  return { [ATTR_ERROR_TYPE]: kind, [ATTR_CRUCIBLE_MIND_TRIES]: tries };
}
