import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { initTelemetry, type Telemetry } from './init-telemetry';
import { extractTraceContext } from './trace-context';
import { recordSpanError, withSpan } from './with-span';

const exporter = new InMemorySpanExporter();
let telemetry: Telemetry;

beforeAll(() => {
  telemetry = initTelemetry({ serviceName: 'with-span-test', exporter, env: {} });
});
afterEach(() => exporter.reset());
afterAll(() => telemetry.shutdown());

class QuotaExceeded extends Error {
  readonly code = 'unavailable';
}

describe('withSpan', () => {
  it('returns the result, runs fn with the span active, and ends the span', async () => {
    const result = await withSpan(
      telemetry.tracer,
      'process sim.step',
      { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'nats' } },
      async (span) => {
        expect(trace.getActiveSpan()).toBe(span);
        await new Promise((resolve) => setImmediate(resolve));
        // Still active across an await: the AsyncLocalStorage context manager is in place.
        expect(trace.getActiveSpan()).toBe(span);
        return 42;
      },
    );
    expect(result).toBe(42);
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({
      name: 'process sim.step',
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.system': 'nats' },
      status: { code: SpanStatusCode.UNSET },
    });
  });

  it('sets ERROR status, records the exception, ends the span and rethrows', async () => {
    const failure = new QuotaExceeded('quota exceeded');
    await expect(
      withSpan(telemetry.tracer, 'send orders', { kind: SpanKind.PRODUCER }, () =>
        Promise.reject(failure),
      ),
    ).rejects.toBe(failure);

    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(1);
    const span = spans[0]!;
    expect(span.ended).toBe(true);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'quota exceeded' });
    expect(span.attributes['error.type']).toBe('unavailable');
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.events[0]!.attributes).toMatchObject({
      'exception.message': 'quota exceeded',
    });
  });

  it('also catches a synchronous throw from fn', async () => {
    await expect(
      withSpan(telemetry.tracer, 'sync', { kind: SpanKind.INTERNAL }, () => {
        throw new TypeError('boom');
      }),
    ).rejects.toThrow('boom');
    const [span] = exporter.getFinishedSpans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes['error.type']).toBe('TypeError');
  });

  it('uses options.parent over the active context, and keeps links', async () => {
    const remote = extractTraceContext({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const link = { context: trace.getSpanContext(remote)! };
    await withSpan(telemetry.tracer, 'outer', { kind: SpanKind.INTERNAL }, () =>
      withSpan(
        telemetry.tracer,
        'consumer',
        { kind: SpanKind.CONSUMER, parent: remote, links: [link] },
        async () => {},
      ),
    );
    const consumer = exporter.getFinishedSpans().find((s) => s.name === 'consumer')!;
    expect(consumer.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(consumer.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(consumer.links).toHaveLength(1);
  });

  it('restores the previous active context afterwards', async () => {
    const before = context.active();
    await withSpan(telemetry.tracer, 'x', { kind: SpanKind.INTERNAL }, async () => {});
    expect(context.active()).toBe(before);
  });
});

describe('recordSpanError', () => {
  it('takes a plain wire-error object too', () => {
    const span = telemetry.tracer.startSpan('answer');
    recordSpanError(span, { code: 'not_found', message: 'no such run' });
    span.end();
    const [ended] = exporter.getFinishedSpans();
    expect(ended?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'no such run' });
    expect(ended?.attributes['error.type']).toBe('not_found');
    expect(ended?.events[0]?.attributes?.['exception.message']).toBe('no such run');
  });
});
