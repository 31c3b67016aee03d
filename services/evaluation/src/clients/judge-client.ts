import { canonicalJson, sha256Hex } from '@crucible/hashing';
import { CircuitBreaker, type CircuitBreakerOptions } from '../domain/circuit-breaker';
import type { JudgeMessage } from '../domain/judge-verdict';
import type { ScoreSpec } from '../domain/score-rules';

/** One judge request: the messages, the verdict's schema and its score (for the offline judge). */
export interface JudgeRequest {
  readonly messages: readonly JudgeMessage[];
  readonly schema: Record<string, unknown>;
  readonly spec: ScoreSpec;
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
    readonly reason: 'circuit_open' | 'http_error' | 'bad_reply' | 'aborted',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Asks judges for verdicts through their minds: the offline mind answers
 * deterministically from the request's hash (no network, no tokens); an
 * openai-compatible mind is asked for a chat completion with the verdict's
 * JSON Schema as structured output. Each provider (base URL) has its own
 * circuit breaker: once it fails too often in a row its calls are refused
 * at once until a trial call gets through.
 */
export class JudgeClient {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly options: {
      readonly breaker: CircuitBreakerOptions;
      /** Where a mind's `api_key_env` is read (the process's environment). */
      readonly env: Readonly<Record<string, string | undefined>>;
      readonly timeoutMs: number;
    },
  ) {}

  /** The breaker of a provider (tests and progress read its state). */
  breakerOf(mind: Readonly<Record<string, unknown>>): CircuitBreaker {
    const key = providerKey(mind);
    let breaker = this.breakers.get(key);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(this.options.breaker);
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  async ask(
    mind: Readonly<Record<string, unknown>>,
    request: JudgeRequest,
    signal: AbortSignal,
  ): Promise<JudgeAnswer> {
    if (mind.provider !== 'openai-compatible') return offlineVerdict(request);
    const breaker = this.breakerOf(mind);
    if (!breaker.tryAcquire()) {
      throw new JudgeCallFailed(
        `the judge provider ${providerKey(mind)} is failing: circuit open`,
        'circuit_open',
      );
    }
    try {
      const answer = await this.chat(mind, request, signal);
      breaker.succeeded();
      return answer;
    } catch (error) {
      // A request the hedge gave up on says nothing about the provider.
      if (signal.aborted) throw new JudgeCallFailed('aborted', 'aborted', { cause: error });
      breaker.failed();
      throw error;
    }
  }

  private async chat(
    mind: Readonly<Record<string, unknown>>,
    request: JudgeRequest,
    signal: AbortSignal,
  ): Promise<JudgeAnswer> {
    const configured =
      typeof mind.base_url === 'string' ? mind.base_url : this.options.env.OPENAI_BASE_URL;
    const baseUrl = (configured ?? '').replace(/\/$/, '');
    if (baseUrl === '') throw new JudgeCallFailed('the judge mind names no base_url', 'http_error');
    const keyVariable = typeof mind.api_key_env === 'string' ? mind.api_key_env : 'OPENAI_API_KEY';
    const key = this.options.env[keyVariable];
    const params = (mind.params ?? {}) as Record<string, unknown>;
    const timeout = AbortSignal.timeout(
      typeof mind.timeout_ms === 'number' ? mind.timeout_ms : this.options.timeoutMs,
    );
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/chat/completions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(key !== undefined && { authorization: `Bearer ${key}` }),
        },
        body: JSON.stringify({
          model: mind.model ?? 'default',
          messages: request.messages,
          ...params,
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'verdict', schema: request.schema, strict: true },
          },
        }),
        signal: AbortSignal.any([signal, timeout]),
      });
    } catch (error) {
      throw new JudgeCallFailed(
        `the judge provider did not answer: ${String(error)}`,
        'http_error',
        {
          cause: error,
        },
      );
    }
    if (!response.ok) {
      throw new JudgeCallFailed(`the judge provider answered ${response.status}`, 'http_error');
    }
    const body = (await response.json().catch(() => undefined)) as
      | {
          choices?: Array<{ message?: { content?: unknown } }>;
          usage?: { prompt_tokens?: number; completion_tokens?: number };
        }
      | undefined;
    const content = body?.choices?.[0]?.message?.content;
    if (typeof content !== 'string') {
      throw new JudgeCallFailed('the judge provider answered no message', 'bad_reply');
    }
    return {
      text: content,
      input_tokens: body?.usage?.prompt_tokens ?? 0,
      output_tokens: body?.usage?.completion_tokens ?? 0,
    };
  }
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
