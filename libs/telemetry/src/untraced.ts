import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/**
 * Runs `work` with tracing suppressed: the auto-instrumentations (http, pg)
 * make no span for what it starts and inject no trace headers. For calls a
 * span of our own already describes (an LLM call's chat span), whose HTTP
 * client span would only repeat it.
 */
export function untraced<T>(work: () => T): T {
  return context.with(suppressTracing(context.active()), work);
}
