import { context, propagation, type Context } from '@opentelemetry/api';
import type { Headers } from '../bus/bus';

/** Header carrying the id of one request (one NATS request, or one HTTP request at the gateway). */
export const REQUEST_ID_HEADER = 'crucible-request-id';
/** Header carrying the id shared by everything one original request caused. */
export const CORRELATION_ID_HEADER = 'crucible-correlation-id';

/** Writes the W3C trace context (traceparent, tracestate, baggage) of `ctx` into headers. */
export function injectTrace(headers: Headers, ctx: Context = context.active()): Headers {
  propagation.inject(ctx, headers);
  return headers;
}

/** Reads the W3C trace context from headers; the result is the parent of the next span. */
export function extractTrace(headers: Headers): Context {
  return propagation.extract(context.active(), headers);
}
