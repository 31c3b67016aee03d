import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import {
  context,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanKind,
  type Tracer,
} from '@opentelemetry/api';

export interface WithSpanOptions {
  readonly kind: SpanKind;
  readonly attributes?: Attributes;
  /** Parent context, e.g. from `extractTraceContext`; default: the active context. */
  readonly parent?: Context;
  /** Causal links that are not the parent (batch consumers, fan-in). */
  readonly links?: Link[];
}

/**
 * Runs `fn` inside a new span, with that span's context active (so spans and
 * `injectTraceContext` calls made by `fn` are its children). On throw the span
 * gets ERROR status and the exception, and the error is rethrown. The span is
 * always ended.
 */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  options: WithSpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(
    name,
    { kind: options.kind, attributes: options.attributes, links: options.links },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), fn, undefined, span);
  } catch (error: unknown) {
    recordSpanError(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Marks `span` failed: ERROR status, an exception event, and `error.type` set
 * to the error's `code` when it has a string one (our wire errors do), else
 * its class name. For failures answered rather than thrown, too.
 */
export function recordSpanError(span: Span, error: unknown): void {
  const type = errorType(error);
  const message = errorMessage(error);
  span.recordException(error instanceof Error ? error : { name: type, message });
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  const message = (error as { message?: unknown } | null | undefined)?.message;
  return typeof message === 'string' ? message : String(error);
}

function errorType(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    if (error instanceof Error) return error.name;
  }
  return '_OTHER';
}
