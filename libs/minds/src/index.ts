// Public entry of @crucible/minds: what the worlds kernel and service, the evaluation judges and tests use.
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
export { mindRequestCanonicalJson, mindRequestHash } from './mind-request-hash';
export { createMindFactory, type MindFactoryOptions } from './mind-factory';
export { MIND_DEFAULTS, readMindDefaults, type MindDefaults } from './mind-defaults';
export {
  MindConfigError,
  OPENAI_DEFAULT_BASE_URL,
  compileOpenAiMindOptions,
  isMindConfigError,
} from './compile-mind-options';
export { OFFLINE_MODEL, OFFLINE_PROVIDER, OfflineMind, type OfflineMindDeps } from './offline-mind';
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
export { SchemaCompileError, SchemaValidators, type SchemaCheck } from './schema-validators';
export type { StructuredOutputMode } from './structured-output';
