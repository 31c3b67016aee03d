/**
 * The LLM side of the turn kernel, as the kernel sees it. A mind answers one
 * chat completion at a time; everything about how (HTTP, retries, limits) is
 * the implementation's business. Two implementations: the OpenAI-compatible
 * one (hosted APIs and local servers) and the deterministic offline mind.
 */

export interface ChatMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

/**
 * Sampling parameters of a world's mind, passed to servers that accept them
 * and recorded with every call (they are part of the request's hash).
 */
export interface SamplingParams {
  readonly temperature?: number;
  readonly top_p?: number;
  readonly max_tokens?: number;
  readonly seed?: number;
  readonly presence_penalty?: number;
  readonly frequency_penalty?: number;
  readonly stop?: readonly string[];
}

/** What the answer must look like: free text, or JSON valid against `schema`. */
export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json_schema'; readonly name: string; readonly schema: object };

/** One chat completion to make. Everything but `purpose` is part of the request's hash. */
export interface MindRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly params: SamplingParams;
  readonly response_format: ResponseFormat;
  /**
   * Why the call is made (for logs and spans only; never part of the hash or
   * sent to the server): a world's turn asks for an agent's phase; an
   * evaluation judge (phase `judge`, agent_id the judge's id) for its
   * verdict on a world at a turn.
   */
  readonly purpose: {
    readonly world_slug: string;
    readonly turn: number;
    readonly agent_id: string;
    readonly phase: 'perceive' | 'intend' | 'adjudicate' | 'judge';
    /** 0 for the first try of a phase, then 1, 2, ... for corrective retries (or hedged duplicates). */
    readonly attempt: number;
  };
}

export interface TokenUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  /**
   * False when the server sent no usage (some local servers do not): both
   * counts are then 0, not measured. Absent otherwise.
   */
  readonly reported?: false;
}

export interface MindResponse {
  /** The assistant message's text (for json_schema: the JSON text, unparsed). */
  readonly content: string;
  readonly usage: TokenUsage;
  /** `openai-compatible` or `offline`. */
  readonly provider: string;
  /** The model the server says answered (may differ from the requested one). */
  readonly model: string;
  readonly finish_reason: string;
  /** Wall time of the call including retries, in milliseconds. */
  readonly latency_ms: number;
  /** HTTP attempts made (1 when the first one answered). */
  readonly tries: number;
}

/**
 * Why a call failed after the mind gave up (retries exhausted or not
 * retryable). `retryable` says whether a later turn attempt may succeed.
 */
export type MindFailureKind =
  | 'timeout'
  | 'rate_limited'
  | 'server_error'
  | 'bad_request'
  | 'auth'
  | 'unreachable'
  | 'invalid_response'
  | 'aborted';

export interface Mind {
  /** `openai-compatible` or `offline`. */
  readonly provider: string;
  /**
   * True when the answer is a pure function of the request (its hash) and
   * costs less than reading a record: the recording mind then calls before
   * looking for a record, and checks what it used against the records when
   * it writes them (the offline mind).
   */
  readonly deterministic?: boolean;
  /**
   * Makes the call. Rejects with a MindError (see mind-error.ts) on failure;
   * `signal` aborts it (kind `aborted`).
   */
  complete(request: MindRequest, signal?: AbortSignal): Promise<MindResponse>;
}

/**
 * A world's `mind` (schemas/worlds/mind.v1.json). Absent or `offline`: the
 * deterministic offline mind. `openai-compatible`: chat completions through
 * the official `openai` client; unset fields fall back to that client's usual
 * environment variables (`OPENAI_BASE_URL`, `OPENAI_API_KEY`) and the
 * service's defaults. The key itself is never stored: `api_key_env` names the
 * variable that holds it.
 */
export type MindConfig =
  | { readonly provider: 'offline'; readonly params?: SamplingParams }
  | {
      readonly provider: 'openai-compatible';
      readonly base_url?: string;
      readonly model?: string;
      readonly api_key_env?: string;
      readonly params?: SamplingParams;
      readonly timeout_ms?: number;
      readonly max_retries?: number;
      readonly max_concurrency?: number;
      /** How to ask for schema-valid JSON: `json_schema` (default) where the server supports it. */
      readonly structured_output?: 'json_schema' | 'json_object' | 'none';
    };

/** Builds (or reuses) the mind for a world's config; given to the kernel by the service. */
export type MindFactory = (config: MindConfig | undefined) => Mind;
