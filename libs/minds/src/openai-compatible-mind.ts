import { SpanKind, trace, type Span, type Tracer } from '@opentelemetry/api';
import OpenAI from 'openai';
import { assertNever } from '@crucible/contracts';
import type { Logger } from '@crucible/telemetry';
import { AbortScope, abortableSleep } from './abort-scope';
import { classifyAttemptFailure, type AttemptFailure } from './attempt-failure';
import { readChatReply, type ChatReply } from './chat-reply';
import { chatRequestBody } from './chat-request';
import { withChatSpan } from './chat-span';
import {
  ATTR_CRUCIBLE_MIND_QUEUE_MS,
  ATTR_CRUCIBLE_MIND_STRUCTURED_OUTPUT,
  ATTR_OPENAI_API_TYPE,
  GEN_AI_PROVIDER_OPENAI,
  chatRequestAttributes,
  serverAttributes,
} from './genai-span';
import { httpFetch } from './http-fetch';
import type { Mind, MindRequest, MindResponse } from './mind';
import { MindError, isMindError } from './mind-error';
import { newProviderState, type ProviderState } from './provider-state';
import { decideRetry, type BackoffPolicy, type RetryDecision } from './retry-policy';
import {
  fallbackMode,
  weakerMode,
  wireFormat,
  type StructuredOutputMode,
} from './structured-output';

export const OPENAI_COMPATIBLE_PROVIDER = 'openai-compatible';

/**
 * Sent as the key to a local server when none is configured: the openai
 * client refuses to start without one, and local servers ignore it.
 */
export const NO_KEY_PLACEHOLDER = 'sk-no-key-required';

/** Everything the mind needs, fully defaulted (mind-factory.ts compiles it from a world's config). */
export interface OpenAiCompatibleMindOptions {
  /** e.g. `https://api.openai.com/v1`, `http://127.0.0.1:8000/v1`. */
  readonly baseUrl: string;
  /** Undefined: a local server that needs none. */
  readonly apiKey: string | undefined;
  /** Used when a request names no model. */
  readonly model: string;
  /** Longest wait for one HTTP attempt's answer. */
  readonly timeoutMs: number;
  /** Longest a whole call may take once it has a slot: attempts, backoff and all. */
  readonly deadlineMs: number;
  /** Retries after the first attempt, for overload, outages and dropped connections. */
  readonly maxRetries: number;
  /** Calls in flight at once to this provider, shared by every mind using it. */
  readonly maxConcurrency: number;
  /** The strongest way to ask for schema-valid JSON (see structured-output.ts). */
  readonly structuredOutput: StructuredOutputMode;
  readonly backoff: BackoffPolicy;
}

export interface OpenAiCompatibleMindDeps {
  /** Spans go here; default: the global tracer provider's. */
  readonly tracer?: Tracer;
  readonly logger?: Logger;
  /** Shared with other minds on the same provider; default: the mind's own. */
  readonly provider?: ProviderState;
  /** Jitter source (tests pin it). */
  readonly random?: () => number;
}

/** Thrown into the call's signal when its deadline passes. */
class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
}

/** Thrown into an attempt's signal when its timeout passes. */
class AttemptTimedOut extends Error {
  override readonly name = 'AttemptTimedOut';
}

const CLIENT_TIMEOUT_MARGIN_MS = 1_000;

/**
 * Chat completions against an OpenAI-compatible server (hosted APIs, vLLM,
 * llama.cpp, Ollama) through the official client. The client makes each
 * HTTP attempt (its timeout, its error types); retries are ours, with its
 * client-side retries off: they sleep through an abort and through any
 * Retry-After, however long, and do not say how many tries they made.
 * docs/services/worlds-minds.md describes the behaviour.
 */
export class OpenAiCompatibleMind implements Mind {
  readonly provider = OPENAI_COMPATIBLE_PROVIDER;
  // ES private (#): the key lives in these, and logging or inspecting the
  // mind must never print it.
  readonly #client: OpenAI;
  readonly #options: OpenAiCompatibleMindOptions;
  private readonly tracer: Tracer;
  private readonly state: ProviderState;
  private readonly random: () => number;

  constructor(
    options: OpenAiCompatibleMindOptions,
    private readonly deps: OpenAiCompatibleMindDeps = {},
  ) {
    this.#options = options;
    this.#client = new OpenAI({
      baseURL: options.baseUrl,
      apiKey: options.apiKey ?? NO_KEY_PLACEHOLDER,
      timeout: options.timeoutMs,
      maxRetries: 0,
      // Node's http with keep-alive agents rather than its fetch: the same requests, less time and CPU a call.
      fetch: httpFetch,
    });
    this.tracer = deps.tracer ?? trace.getTracer('@crucible/worlds');
    this.state =
      deps.provider ??
      newProviderState(
        { baseUrl: options.baseUrl, apiKey: options.apiKey, model: options.model },
        options.maxConcurrency,
      );
    this.random = deps.random ?? Math.random;
  }

  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  /** The options, without the key (safe to log). */
  get settings(): Omit<OpenAiCompatibleMindOptions, 'apiKey'> & { readonly hasApiKey: boolean } {
    const { apiKey, ...rest } = this.#options;
    return { ...rest, hasApiKey: apiKey !== undefined };
  }

  toJSON(): object {
    return { provider: this.provider, ...this.settings };
  }

  /** The default model: what a request with an empty `model` is sent as. */
  get model(): string {
    return this.#options.model;
  }

  complete(request: MindRequest, signal?: AbortSignal): Promise<MindResponse> {
    const model = request.model === '' ? this.#options.model : request.model;
    const attributes = {
      ...chatRequestAttributes(GEN_AI_PROVIDER_OPENAI, model, request),
      ...serverAttributes(this.#options.baseUrl),
      [ATTR_OPENAI_API_TYPE]: 'chat_completions',
    };
    return withChatSpan(
      this.tracer,
      model,
      { kind: SpanKind.CLIENT, attributes },
      async (span) => {
        const queued = performance.now();
        let release: () => void;
        try {
          release = await this.state.limit.acquire(signal);
        } catch (error: unknown) {
          throw new MindError({
            kind: 'aborted',
            message: 'aborted while waiting for a free slot',
            tries: 0,
            cause: error,
          });
        }
        span.setAttribute(ATTR_CRUCIBLE_MIND_QUEUE_MS, Math.round(performance.now() - queued));
        try {
          return await this.callWithRetries(request, model, span, signal);
        } finally {
          release();
        }
      },
      ({ response, reply }) => ({
        model: response.model,
        finishReason: response.finish_reason,
        usage: response.usage,
        tries: response.tries,
        ...(reply.responseId === undefined ? {} : { responseId: reply.responseId }),
        ...(reply.systemFingerprint === undefined
          ? {}
          : { systemFingerprint: reply.systemFingerprint }),
      }),
    ).then(({ response }) => response);
  }

  private async callWithRetries(
    request: MindRequest,
    model: string,
    span: Span,
    signal: AbortSignal | undefined,
  ): Promise<Answered> {
    const started = performance.now();
    const call = new AbortScope(signal).abortAfter(
      this.#options.deadlineMs,
      new DeadlineExceeded(),
    );
    const attempts: Attempts = {
      request,
      model,
      signal,
      call,
      started,
      tries: 0,
      mode: weakerMode(
        this.#options.structuredOutput,
        this.state.structuredOutput ?? 'json_schema',
      ),
    };
    let retriesMade = 0;
    try {
      for (;;) {
        attempts.tries += 1;
        if (request.response_format.type === 'json_schema') {
          span.setAttribute(ATTR_CRUCIBLE_MIND_STRUCTURED_OUTPUT, attempts.mode);
        }
        const outcome = await this.attempt(attempts);
        if ('response' in outcome) return outcome;
        const { failure } = outcome;
        if (this.fallBack(failure, attempts)) continue;
        if (!failure.transient) throw this.failed(failure, attempts.tries, model);
        const decision = decideRetry(
          {
            retriesMade,
            maxRetries: this.#options.maxRetries,
            retryAfterMs: failure.retryAfterMs,
            remainingMs: this.remainingMs(started),
          },
          this.#options.backoff,
          this.random,
        );
        if (!decision.retry) throw this.failed(failure, attempts.tries, model, decision);
        this.noteRetry(span, failure, attempts, decision.waitMs);
        try {
          await abortableSleep(decision.waitMs, call.signal);
        } catch (error: unknown) {
          throw this.failed(this.classify(error, attempts), attempts.tries, model);
        }
        retriesMade += 1;
      }
    } finally {
      call.close();
    }
  }

  /** One HTTP attempt: an answer, or why it failed. A broken reply throws invalid_response. */
  private async attempt(attempts: Attempts): Promise<Answered | { failure: AttemptFailure }> {
    const { request, model, mode, tries } = attempts;
    const body = chatRequestBody(
      request,
      model,
      wireFormat(request.response_format, mode, request.messages),
    );
    // Our own timer, not only the client's: the client's timeout stops at
    // the response headers, and a server can stall in the body too.
    const timeoutMs = Math.max(
      1,
      Math.min(this.#options.timeoutMs, Math.floor(this.remainingMs(attempts.started))),
    );
    const scope = new AbortScope(attempts.call.signal).abortAfter(timeoutMs, new AttemptTimedOut());
    try {
      const completion: unknown = await this.#client.chat.completions.create(body, {
        signal: scope.signal,
        // A backstop only: ours fires first and says which limit it was.
        timeout: timeoutMs + CLIENT_TIMEOUT_MARGIN_MS,
      });
      const read = readChatReply(completion, model, request.response_format);
      if (!read.ok) {
        throw new MindError({
          kind: 'invalid_response',
          message: read.problem,
          tries,
          status: 200,
        });
      }
      const response: MindResponse = {
        content: read.reply.content,
        usage: read.reply.usage,
        provider: this.provider,
        model: read.reply.model,
        finish_reason: read.reply.finishReason,
        latency_ms: Math.round(performance.now() - attempts.started),
        tries,
      };
      return { response, reply: read.reply };
    } catch (error: unknown) {
      if (isMindError(error)) throw error;
      return { failure: this.classify(error, attempts, scope.signal) };
    } finally {
      scope.close();
    }
  }

  /**
   * After a refusal of the structured output mode, moves to the next one and
   * remembers it for the provider. Not a retry of the same request: a
   * different one, so it does not spend the retry budget.
   */
  private fallBack(failure: AttemptFailure, attempts: Attempts): boolean {
    if (!failure.formatRefusal || attempts.request.response_format.type !== 'json_schema') {
      return false;
    }
    const weaker = fallbackMode(attempts.mode);
    if (weaker === undefined) return false;
    this.deps.logger?.warn('LLM server refused the structured output mode; falling back', {
      base_url: this.#options.baseUrl,
      model: attempts.model,
      refused: attempts.mode,
      next: weaker,
      error: failure.message,
    });
    attempts.mode = weaker;
    this.state.structuredOutput = weakerMode(weaker, this.state.structuredOutput ?? weaker);
    return true;
  }

  private noteRetry(span: Span, failure: AttemptFailure, attempts: Attempts, waitMs: number): void {
    span.addEvent('gen_ai.retry', {
      'crucible.mind.try': attempts.tries,
      'crucible.mind.wait_ms': waitMs,
      'error.type': failure.kind,
      ...(failure.status === undefined ? {} : { 'http.response.status_code': failure.status }),
    });
    this.deps.logger?.info('LLM call failed; retrying', {
      model: attempts.model,
      kind: failure.kind,
      status: failure.status,
      try: attempts.tries,
      wait_ms: waitMs,
    });
  }

  private remainingMs(started: number): number {
    return this.#options.deadlineMs - (performance.now() - started);
  }

  private classify(error: unknown, attempts: Attempts, attempt?: AbortSignal): AttemptFailure {
    return classifyAttemptFailure(error, {
      aborted: attempts.signal?.aborted === true,
      deadlineExceeded: attempts.call.signal.reason instanceof DeadlineExceeded,
      attemptTimedOut: attempt?.reason instanceof AttemptTimedOut,
      deadlineMs: this.#options.deadlineMs,
      timeoutMs: this.#options.timeoutMs,
      now: Date.now(),
    });
  }

  private failed(
    failure: AttemptFailure,
    tries: number,
    model: string,
    decision?: Extract<RetryDecision, { retry: false }>,
  ): MindError {
    return new MindError({
      kind: failure.kind,
      message: `${model} at ${this.#options.baseUrl}: ${failure.message}${this.whyStopped(failure, tries, decision)}`,
      tries,
      ...(failure.status === undefined ? {} : { status: failure.status }),
      ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    });
  }

  private whyStopped(
    failure: AttemptFailure,
    tries: number,
    decision: Extract<RetryDecision, { retry: false }> | undefined,
  ): string {
    if (decision === undefined) return '';
    switch (decision.reason) {
      case 'retries_exhausted':
        return ` (gave up after ${tries} ${tries === 1 ? 'try' : 'tries'})`;
      case 'retry_after_too_long':
        return ` (the server asked to wait ${failure.retryAfterMs} ms, more than the ${this.#options.backoff.maxRetryAfterMs} ms the mind waits)`;
      case 'deadline':
        return ' (no time left before the deadline for another try)';
      default:
        return assertNever(decision.reason);
    }
  }
}

/** An answered call: the response, and the reply's ids for the span. */
interface Answered {
  readonly response: MindResponse;
  readonly reply: ChatReply;
}

/** The state of one call across its attempts. */
interface Attempts {
  readonly request: MindRequest;
  readonly model: string;
  /** The caller's signal. */
  readonly signal: AbortSignal | undefined;
  /** Aborts with the caller, or at the deadline. */
  readonly call: AbortScope;
  readonly started: number;
  tries: number;
  mode: StructuredOutputMode;
}
