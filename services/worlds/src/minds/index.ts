// Public entry of the minds: what the kernel, the service and tests use.
export type {
  ChatMessage,
  Mind,
  MindConfig,
  MindFactory,
  MindFailureKind,
  MindRequest,
  MindResponse,
  ResponseFormat,
  SamplingParams,
  TokenUsage,
} from './mind';
export { MindError, isMindError, isRetryableFailure, type MindFailure } from './mind-error';
export {
  NO_KEY_PLACEHOLDER,
  OPENAI_COMPATIBLE_PROVIDER,
  OpenAiCompatibleMind,
  type OpenAiCompatibleMindDeps,
  type OpenAiCompatibleMindOptions,
} from './openai-compatible-mind';
export {
  ProviderRegistry,
  providerKey,
  type ProviderIdentity,
  type ProviderState,
} from './provider-state';
export type { BackoffPolicy } from './retry-policy';
export type { StructuredOutputMode } from './structured-output';
