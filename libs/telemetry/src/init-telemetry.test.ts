import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { ServiceNameConflictError, TelemetryConfigError } from './errors';
import { initTelemetry } from './init-telemetry';
import { extractTraceContext, injectTraceContext } from './trace-context';
import { withSpan } from './with-span';

// Every test starts from an uninitialised process and leaves one behind.
const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function init(options: Parameters<typeof initTelemetry>[0]) {
  const telemetry = initTelemetry(options);
  cleanup.push(() => telemetry.shutdown());
  return telemetry;
}

describe('initTelemetry', () => {
  it('returns the same handle on a second call and adds a new exporter', async () => {
    const first = new InMemorySpanExporter();
    const second = new InMemorySpanExporter();
    const telemetry = init({ serviceName: 'svc', exporter: first, env: {} });
    expect(initTelemetry({ serviceName: 'svc', exporter: second })).toBe(telemetry);
    // Passing the same exporter again does not export twice.
    expect(initTelemetry({ serviceName: 'svc', exporter: first })).toBe(telemetry);

    telemetry.tracer.startSpan('one').end();
    await telemetry.forceFlush();
    expect(first.getFinishedSpans().map((s) => s.name)).toEqual(['one']);
    expect(second.getFinishedSpans().map((s) => s.name)).toEqual(['one']);
  });

  it('refuses to re-initialise as another service', () => {
    init({ serviceName: 'gateway', env: {} });
    expect(() => initTelemetry({ serviceName: 'platform' })).toThrow(ServiceNameConflictError);
  });

  it('starts afresh after shutdown, and shutdown is idempotent', async () => {
    const before = initTelemetry({ serviceName: 'svc', env: {} });
    await Promise.all([before.shutdown(), before.shutdown()]);
    const after = init({ serviceName: 'other', env: {} });
    expect(after).not.toBe(before);
  });

  it('puts service.name and service.version on the resource', () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = init({ serviceName: 'gateway', serviceVersion: '1.2.3', exporter, env: {} });
    telemetry.tracer.startSpan('x').end();
    const [span] = exporter.getFinishedSpans();
    expect(span?.resource.attributes).toMatchObject({
      'service.name': 'gateway',
      'service.version': '1.2.3',
    });
    expect(span?.resource.attributes['service.instance.id']).toEqual(expect.any(String));
  });

  it('installs nothing when no exporter would receive spans, and everything once one arrives', async () => {
    const quiet = init({ serviceName: 'quiet', env: {} });
    const span = quiet.tracer.startSpan('request');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(propagation.fields()).toEqual([]);
    expect(init({ serviceName: 'quiet', env: {} })).toBe(quiet);

    const exporter = new InMemorySpanExporter();
    const loud = init({ serviceName: 'quiet', exporter, env: {} });
    expect(loud).not.toBe(quiet);
    const recorded = loud.tracer.startSpan('recorded');
    recorded.end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['recorded']);
    const headers = injectTraceContext(trace.setSpan(extractTraceContext({}), recorded));
    expect(headers['traceparent']).toContain(recorded.spanContext().traceId);
    await loud.shutdown();
  });

  it('gives a child span in another "process" the parent trace id', async () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = init({ serviceName: 'svc', exporter, env: {} });

    // Producer side: inject inside a span; consumer side: extract and start a child.
    const headers = await withSpan(telemetry.tracer, 'send runs', { kind: SpanKind.PRODUCER }, () =>
      Promise.resolve(injectTraceContext()),
    );
    await withSpan(
      telemetry.tracer,
      'process runs',
      { kind: SpanKind.CONSUMER, parent: extractTraceContext(headers) },
      async () => {},
    );

    const producer = exporter.getFinishedSpans().find((s) => s.name === 'send runs')!;
    const consumer = exporter.getFinishedSpans().find((s) => s.name === 'process runs')!;
    expect(consumer.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
    expect(consumer.parentSpanContext?.isRemote).toBe(true);
  });

  it('honours OTEL_TRACES_SAMPLER from the env option', () => {
    const exporter = new InMemorySpanExporter();
    const telemetry = init({
      serviceName: 'svc',
      exporter,
      env: { OTEL_TRACES_SAMPLER: 'always_off' },
    });
    const span = telemetry.tracer.startSpan('dropped');
    span.end();
    expect(span.isRecording()).toBe(false);
    expect(exporter.getFinishedSpans()).toEqual([]);
    // Context still flows, marked not sampled.
    expect(injectTraceContext(trace.setSpan(extractTraceContext({}), span))['traceparent']).toMatch(
      /-00$/,
    );
  });

  it('rejects an empty service name and a bad endpoint before registering anything', () => {
    expect(() => initTelemetry({ serviceName: ' ', env: {} })).toThrow(TelemetryConfigError);
    expect(() =>
      initTelemetry({ serviceName: 'svc', env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' } }),
    ).toThrow(TelemetryConfigError);
    expect(propagation.fields()).toEqual([]);
  });
});
