import { trace, type Tracer } from '@opentelemetry/api';

/**
 * The messaging lib's tracer, looked up at each use rather than kept: a tracer
 * taken before telemetry is (re)initialised keeps pointing at the old provider.
 */
export function messagingTracer(): Tracer {
  return trace.getTracer('@crucible/messaging');
}
