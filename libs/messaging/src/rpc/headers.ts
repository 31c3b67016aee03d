import { context, type Context } from '@opentelemetry/api';
import { extractTraceContext, injectTraceContext } from '@crucible/telemetry';
import type { Headers } from '../bus/bus';

/** Header carrying the id of one request (one NATS request, or one HTTP request at the gateway). */
export const REQUEST_ID_HEADER = 'crucible-request-id';
/** Header carrying the id shared by everything one original request caused. */
export const CORRELATION_ID_HEADER = 'crucible-correlation-id';
/**
 * Header carrying who asked: the principal the gateway authenticated
 * (docs/security.md), passed on by a service calling another for it. Services
 * record it as the actor of what they write; absent on a call nobody made
 * from outside (a consumer's, a test's).
 */
export const PRINCIPAL_HEADER = 'crucible-principal';

/** Writes the W3C trace context (traceparent, tracestate, baggage) of `ctx` into headers. */
export function injectTrace(headers: Headers, ctx: Context = context.active()): Headers {
  return Object.assign(headers, injectTraceContext(ctx));
}

/**
 * Reads the W3C trace context from headers, on the root context: a message
 * without trace headers starts a new trace rather than joining whatever span
 * happens to be active where it is handled.
 */
export function extractTrace(headers: Headers): Context {
  return extractTraceContext(headers);
}
