import { ProxyTracerProvider, trace, type Tracer } from '@opentelemetry/api';

const NAME = '@crucible/messaging';

/**
 * The messaging lib's tracer, looked up at each use rather than kept: a tracer
 * taken before telemetry is (re)initialised keeps pointing at the old provider.
 */
export function messagingTracer(): Tracer {
  return trace.getTracer(NAME);
}

/**
 * The tracer of a registered tracer provider, or undefined when none is
 * registered (initTelemetry installs none without an exporter): then every
 * span would be a no-op one, and the RPC hot path skips building it, its
 * name and its attributes (measured: ~1.5 us of each end's CPU per request
 * in the peer bench, docs/messaging.md).
 */
export function recordingMessagingTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  // Another copy of the API, or a provider set without the proxy: use it.
  if (!(provider instanceof ProxyTracerProvider)) return provider.getTracer(NAME);
  return provider.getDelegateTracer(NAME);
}
