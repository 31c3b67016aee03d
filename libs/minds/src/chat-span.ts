import {
  context,
  trace,
  type Attributes,
  type Span,
  type SpanKind,
  type Tracer,
} from '@opentelemetry/api';
import { recordSpanError } from '@crucible/telemetry';
import {
  chatErrorAttributes,
  chatResponseAttributes,
  chatSpanName,
  type ChatOutcome,
} from './genai-span';
import { isMindError } from './mind-error';

/**
 * Runs one LLM call inside its GenAI span ("chat {model}"), active so log
 * lines carry its ids. The span covers the whole call, queue and retries
 * included, as the conventions ask. On success `outcome` adds the answer's
 * attributes; on failure the span gets ERROR status, the exception and
 * error.type set to the failure kind.
 */
export async function withChatSpan<T>(
  tracer: Tracer,
  model: string,
  options: { readonly kind: SpanKind; readonly attributes: Attributes },
  fn: (span: Span) => Promise<T>,
  outcome: (result: T) => ChatOutcome,
): Promise<T> {
  const parent = context.active();
  const span = tracer.startSpan(
    chatSpanName(model),
    { kind: options.kind, attributes: options.attributes },
    parent,
  );
  try {
    const result = await context.with(trace.setSpan(parent, span), fn, undefined, span);
    span.setAttributes(chatResponseAttributes(outcome(result)));
    return result;
  } catch (error: unknown) {
    recordSpanError(span, error);
    // After recordSpanError, which would name the class: the kind is the useful type.
    if (isMindError(error)) span.setAttributes(chatErrorAttributes(error.kind, error.tries));
    throw error;
  } finally {
    span.end();
  }
}
