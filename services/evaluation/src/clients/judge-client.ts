import { canonicalJson, sha256Hex } from '@crucible/hashing';
import {
  MIND_DEFAULTS,
  createMindFactory,
  isMindConfigError,
  isMindError,
  type MindConfig,
  type MindFactory,
} from '@crucible/minds';
import type { Logger } from '@crucible/telemetry';
import {
  CircuitBreaker,
  breakerOptionsOf,
  type BreakerSettings,
  type CircuitBreakerOptions,
} from '../domain/circuit-breaker';
import type { JudgeMessage } from '../domain/judge-verdict';
import type { ScoreSpec } from '../domain/score-rules';

/**
 * One judge request: the messages, the verdict's schema and its score (for
 * the offline judge), and the world judged (for the call's span).
 */
export interface JudgeRequest {
  readonly messages: readonly JudgeMessage[];
  readonly schema: Record<string, unknown>;
  readonly spec: ScoreSpec;
  readonly world?: { readonly slug: string; readonly turn: number };
}

/** Which judge asks, and which of its hedged requests this is (for the call's span). */
export interface JudgeCallLabel {
  readonly judgeId: string;
  readonly attempt: number;
}

export interface JudgeAnswer {
  readonly text: string;
  readonly input_tokens: number;
  readonly output_tokens: number;
}

/** Why a judge gave no answer. */
export class JudgeCallFailed extends Error {
  readonly code = 'judge_call_failed';
  constructor(
    message: string,
    readonly reason: 'circuit_open' | 'mind_config' | 'http_error' | 'bad_reply' | 'aborted',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** What a run sets for its judge calls. */
export interface JudgeCallOptions {
  /** The run's experiment's `reliability.circuit_breaker` (absent: the client's `breaker`). */
  readonly breaker?: BreakerSettings;
}

export interface JudgeClientOptions {
  /** The service's breaker options (EVALUATION_JUDGE_BREAKER_*): what a run's settings leave out. */
  readonly breaker: CircuitBreakerOptions;
  /** Where OPENAI_BASE_URL, OPENAI_API_KEY and a mind's `api_key_env` are read (the process's environment). */
  readonly env: NodeJS.ProcessEnv;
  /** Longest wait for one HTTP attempt of a judge request (a judge mind's timeout_ms wins). */
  readonly timeoutMs: number;
  readonly logger?: Logger;
}

/**
 * Asks judges for verdicts through their minds: the offline mind answers
 * deterministically from the request's hash (no network, no tokens); an
 * openai-compatible mind is asked, through @crucible/minds (the worlds'
 * minds: retries with backoff and Retry-After, timeouts, a concurrency cap
 * per provider, a GenAI span per call), for a chat completion with the
 * verdict's JSON Schema as structured output. Each provider (base URL) has
 * its own circuit breaker: once its calls fail too often in a row (each
 * after the mind's own retries) they are refused at once until a trial call
 * gets through. A run whose experiment sets `circuit_breaker` has a
 * breaker of its settings per provider (shared by the runs with the same
 * settings), so its threshold counts only the calls made under it.
 */
export class JudgeClient {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly minds: MindFactory;

  constructor(private readonly options: JudgeClientOptions) {
    this.minds = createMindFactory({
      // A judge mind that names no model asks for `default` (what its spend is priced as).
      defaults: { ...MIND_DEFAULTS, model: 'default', timeoutMs: options.timeoutMs },
      env: options.env,
      ...(options.logger !== undefined && { logger: options.logger }),
    });
  }

  /** The breaker of a provider under a run's settings (tests and progress read its state). */
  breakerOf(mind: Readonly<Record<string, unknown>>, settings?: BreakerSettings): CircuitBreaker {
    const options = breakerOptionsOf(this.options.breaker, settings);
    const key = `${providerKey(mind)} ${options.failureThreshold}/${options.resetTimeoutMs}`;
    let breaker = this.breakers.get(key);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(options);
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  async ask(
    mind: Readonly<Record<string, unknown>>,
    request: JudgeRequest,
    signal: AbortSignal,
    label: JudgeCallLabel = { judgeId: 'judge', attempt: 0 },
    options: JudgeCallOptions = {},
  ): Promise<JudgeAnswer> {
    if (mind.provider !== 'openai-compatible') return offlineVerdict(request);
    const config = judgeMindConfig(mind);
    let online;
    try {
      online = this.minds(config);
    } catch (error) {
      // A judge that cannot be asked as configured says nothing about its provider.
      if (!isMindConfigError(error)) throw error;
      throw new JudgeCallFailed(`the judge mind: ${error.message}`, 'mind_config', {
        cause: error,
      });
    }
    const breaker = this.breakerOf(mind, options.breaker);
    if (!breaker.tryAcquire()) {
      throw new JudgeCallFailed(
        `the judge provider ${providerKey(mind)} is failing: circuit open`,
        'circuit_open',
      );
    }
    try {
      const response = await online.complete(
        {
          // Empty: the mind's model (the judge's, or `default`).
          model: '',
          messages: request.messages,
          params: config.params ?? {},
          response_format: { type: 'json_schema', name: 'verdict', schema: request.schema },
          purpose: {
            world_slug: request.world?.slug ?? '',
            turn: request.world?.turn ?? 0,
            agent_id: label.judgeId,
            phase: 'judge',
            attempt: label.attempt,
          },
        },
        signal,
      );
      breaker.succeeded();
      return {
        text: response.content,
        input_tokens: response.usage.input_tokens,
        output_tokens: response.usage.output_tokens,
      };
    } catch (error) {
      // A request the hedge gave up on says nothing about the provider.
      if (signal.aborted) throw new JudgeCallFailed('aborted', 'aborted', { cause: error });
      breaker.failed();
      throw judgeFailure(error);
    }
  }
}

/** A judge's mind as a MindConfig: its fields of the right type (others are ignored, as before). */
function judgeMindConfig(mind: Readonly<Record<string, unknown>>): MindConfig {
  const text = (field: string): Record<string, string> =>
    typeof mind[field] === 'string' ? { [field]: mind[field] } : {};
  const count = (field: string): Record<string, number> =>
    typeof mind[field] === 'number' ? { [field]: mind[field] } : {};
  const mode = mind.structured_output;
  return {
    provider: 'openai-compatible',
    ...text('base_url'),
    ...text('model'),
    ...text('api_key_env'),
    ...count('timeout_ms'),
    ...count('max_retries'),
    ...count('max_concurrency'),
    ...(typeof mind.params === 'object' && mind.params !== null && { params: mind.params }),
    ...((mode === 'json_schema' || mode === 'json_object' || mode === 'none') && {
      structured_output: mode,
    }),
  };
}

/** A mind's failure as the judge's: a reply the mind could not read is a bad reply. */
function judgeFailure(error: unknown): JudgeCallFailed {
  if (!isMindError(error)) {
    return new JudgeCallFailed(`the judge call failed: ${String(error)}`, 'http_error', {
      cause: error,
    });
  }
  const reason = error.kind === 'invalid_response' ? 'bad_reply' : 'http_error';
  return new JudgeCallFailed(
    `the judge provider failed (${error.kind}, ${error.tries} tries): ${error.message}`,
    reason,
    { cause: error },
  );
}

function providerKey(mind: Readonly<Record<string, unknown>>): string {
  const provider = typeof mind.provider === 'string' ? mind.provider : 'offline';
  return `${provider} ${typeof mind.base_url === 'string' ? mind.base_url : ''}`;
}

/**
 * The offline judge: a verdict of the score's type picked by the request's
 * hash, so the same question always gets the same answer.
 */
function offlineVerdict(request: JudgeRequest): JudgeAnswer {
  const hash = sha256Hex(canonicalJson({ messages: request.messages }));
  const n = parseInt(hash.slice(0, 8), 16);
  const { spec } = request;
  let score: number | string | boolean;
  if (spec.type === 'boolean') score = n % 2 === 0;
  else if (spec.type === 'categorical') score = spec.values?.[n % (spec.values.length || 1)] ?? '';
  else {
    const min = spec.min ?? 0;
    const max = spec.max ?? min + 10;
    score = min + (n % (Math.floor(max - min) + 1));
  }
  return {
    text: JSON.stringify({ score, reason: 'offline judge', confidence: 1 }),
    input_tokens: 0,
    output_tokens: 0,
  };
}
