import { SpanKind, trace, type Tracer } from '@opentelemetry/api';
import { withChatSpan } from './chat-span';
import { GEN_AI_PROVIDER_OFFLINE, chatRequestAttributes } from './genai-span';
import type { Mind, MindRequest, MindResponse } from './mind';
import { MindError } from './mind-error';
import { mindRequestHash } from './mind-request-hash';
import { adjudicationText, kernelFacts, offlineText } from './offline-text';
import { schemaInstance, UnsupportedSchema } from './schema-instance';
import { SchemaCompileError, SchemaValidators, type SchemaCheck } from './schema-validators';
import { seededRandom } from './seeded-random';
import { isWhiteSpace } from './white-space';

export const OFFLINE_PROVIDER = 'offline';

/**
 * The offline mind's model. A new version whenever its output for some
 * request changes, so recorded calls say which behaviour produced them.
 */
export const OFFLINE_MODEL = 'offline-v1';

export interface OfflineMindDeps {
  /** Spans go here; default: the global tracer provider's. */
  readonly tracer?: Tracer;
  /** Shared compiled schemas; default: the mind's own. */
  readonly validators?: SchemaValidators;
}

/**
 * A deterministic mind with no network: the default when a world configures
 * none, so worlds run turns with no key. The same request (by its hash)
 * always gets the same answer. Text requests get a plausible perception or
 * intention built from the kernel's message; json_schema requests get a
 * JSON document valid against the schema (checked with ajv), and an
 * adjudication in which the agent attempts its intent and nothing is
 * mutated. Tokens are counted as whitespace-separated words.
 */
export class OfflineMind implements Mind {
  readonly provider = OFFLINE_PROVIDER;
  readonly model = OFFLINE_MODEL;
  readonly deterministic = true;
  private readonly tracer: Tracer;
  private readonly validators: SchemaValidators;

  constructor(deps: OfflineMindDeps = {}) {
    this.tracer = deps.tracer ?? trace.getTracer('@crucible/worlds');
    this.validators = deps.validators ?? new SchemaValidators();
  }

  complete(request: MindRequest, signal?: AbortSignal): Promise<MindResponse> {
    return withChatSpan(
      this.tracer,
      OFFLINE_MODEL,
      // In-process, per the conventions: INTERNAL, not CLIENT.
      {
        kind: SpanKind.INTERNAL,
        attributes: chatRequestAttributes(GEN_AI_PROVIDER_OFFLINE, OFFLINE_MODEL, request),
      },
      () => Promise.resolve(this.answer(request, signal)),
      (response) => ({
        model: response.model,
        finishReason: response.finish_reason,
        usage: response.usage,
        tries: response.tries,
      }),
    );
  }

  private answer(request: MindRequest, signal: AbortSignal | undefined): MindResponse {
    const started = performance.now();
    if (signal?.aborted === true) {
      throw new MindError({ kind: 'aborted', message: 'the call was aborted', tries: 0 });
    }
    const random = seededRandom(mindRequestHash(request));
    const facts = kernelFacts(request.messages);
    const content =
      request.response_format.type === 'json_schema'
        ? JSON.stringify(
            this.instance(request.response_format.schema, random, adjudicationText(facts, random)),
          )
        : offlineText(facts, random);
    return {
      content,
      usage: {
        input_tokens: request.messages.reduce((sum, message) => sum + words(message.content), 0),
        output_tokens: words(content),
      },
      provider: this.provider,
      model: OFFLINE_MODEL,
      finish_reason: 'stop',
      latency_ms: Math.round(performance.now() - started),
      tries: 1,
    };
  }

  /** The rich instance when ajv accepts it, else the minimal one; a bad_request when neither is valid. */
  private instance(
    schema: object,
    random: () => number,
    text: (field: string | undefined) => string | undefined,
  ): unknown {
    let check: (value: unknown) => SchemaCheck;
    try {
      check = this.validators.checker(schema);
    } catch (error: unknown) {
      if (error instanceof SchemaCompileError) throw unanswerable([error.message]);
      throw error;
    }
    const problems: string[] = [];
    for (const style of ['rich', 'minimal'] as const) {
      try {
        const instance = schemaInstance(schema, { style, random, text });
        const result = check(instance);
        if (result.valid) return instance;
        problems.push(`${style} instance: ${result.problem}`);
      } catch (error: unknown) {
        if (!(error instanceof UnsupportedSchema)) throw error;
        problems.push(`${style} instance: ${error.message}`);
      }
    }
    throw unanswerable(problems);
  }
}

function unanswerable(problems: readonly string[]): MindError {
  return new MindError({
    kind: 'bad_request',
    message: `the offline mind cannot answer this schema: ${problems.join('; ')}`,
    tries: 1,
  });
}

/**
 * Whitespace-separated words (`\s` as in a regular expression), counted
 * without building them: the offline mind counts every request's words,
 * and an adjudication's request holds the whole world.
 */
export function words(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isWhiteSpace(text.charCodeAt(i));
    if (!space && !inWord) count++;
    inWord = !space;
  }
  return count;
}
