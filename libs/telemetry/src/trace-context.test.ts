import {
  context,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type SpanContext,
} from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { initTelemetry, type Telemetry } from './init-telemetry';
import {
  extractTraceContext,
  injectTraceContext,
  injectTraceContextInto,
  type HeaderReader,
  type HeaderWriter,
} from './trace-context';

// The helpers go through the global propagator and context manager: install
// the real ones (an exporter makes initTelemetry install the SDK).
let telemetry: Telemetry;
beforeAll(() => {
  telemetry = initTelemetry({
    serviceName: 'trace-context-test',
    exporter: new InMemorySpanExporter(),
    env: {},
  });
});
afterAll(() => telemetry.shutdown());

const remote: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
  isRemote: true,
};
const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function contextWithBaggage() {
  const withSpan = trace.setSpanContext(ROOT_CONTEXT, remote);
  return propagation.setBaggage(
    withSpan,
    propagation.createBaggage({ 'tenant.id': { value: 't-42' } }),
  );
}

/** The shape of NATS MsgHdrs that matters here: get answers '' for a missing key. */
class FakeMsgHdrs implements HeaderReader, HeaderWriter {
  private readonly values = new Map<string, string>();
  get(key: string): string {
    return this.values.get(key) ?? '';
  }
  set(key: string, value: string): void {
    this.values.set(key, value);
  }
  keys(): string[] {
    return [...this.values.keys()];
  }
}

describe('injectTraceContext', () => {
  it('writes traceparent and baggage for the given context', () => {
    expect(injectTraceContext(contextWithBaggage())).toEqual({
      traceparent,
      baggage: 'tenant.id=t-42',
    });
  });

  it('uses the active context by default and writes nothing without a span', () => {
    expect(injectTraceContext()).toEqual({});
    const headers = context.with(contextWithBaggage(), () => injectTraceContext());
    expect(headers['traceparent']).toBe(traceparent);
  });

  it('carries tracestate through an extract/inject round trip', () => {
    const extracted = extractTraceContext({ traceparent, tracestate: 'vendor=abc' });
    expect(injectTraceContext(extracted)).toEqual({ traceparent, tracestate: 'vendor=abc' });
  });
});

describe('extractTraceContext', () => {
  it('round-trips through a kafkajs-style record with Buffer values', () => {
    // kafkajs hands consumers Buffers (and arrays for repeated keys).
    const produced = injectTraceContext(contextWithBaggage());
    const consumed = Object.fromEntries(
      Object.entries(produced).map(([k, v]) => [k, Buffer.from(v)]),
    );
    const ctx = extractTraceContext(consumed);
    expect(trace.getSpanContext(ctx)).toEqual(remote);
    expect(propagation.getBaggage(ctx)?.getEntry('tenant.id')?.value).toBe('t-42');
  });

  it('round-trips through a NATS-style get/set carrier', () => {
    const headers = new FakeMsgHdrs();
    injectTraceContextInto(headers, contextWithBaggage());
    expect(headers.get('traceparent')).toBe(traceparent);
    const ctx = extractTraceContext(headers);
    expect(trace.getSpanContext(ctx)).toEqual(remote);
    expect(propagation.getBaggage(ctx)?.getEntry('tenant.id')?.value).toBe('t-42');
  });

  it('reads array values and header names in another case', () => {
    const ctx = extractTraceContext({ Traceparent: [Buffer.from(traceparent)] });
    expect(trace.getSpanContext(ctx)?.traceId).toBe(remote.traceId);
  });

  it('returns the root context when there is nothing to extract', () => {
    const active = trace.setSpanContext(ROOT_CONTEXT, { ...remote, spanId: '1111111111111111' });
    // Even with a span active, a message without headers starts a fresh trace.
    context.with(active, () => {
      expect(extractTraceContext({})).toBe(ROOT_CONTEXT);
      expect(extractTraceContext(new FakeMsgHdrs())).toBe(ROOT_CONTEXT);
    });
    expect(extractTraceContext({ traceparent: 'garbage' })).toBe(ROOT_CONTEXT);
  });

  it('builds on the given base context', () => {
    const base = ROOT_CONTEXT.setValue(Symbol.for('test.marker'), 'kept');
    const ctx = extractTraceContext({ traceparent }, base);
    expect(ctx.getValue(Symbol.for('test.marker'))).toBe('kept');
    expect(trace.getSpanContext(ctx)?.spanId).toBe(remote.spanId);
  });
});
