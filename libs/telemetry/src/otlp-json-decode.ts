import { SpanKind, SpanStatusCode } from '@opentelemetry/api';

/** An OTLP AnyValue, unwrapped: `{ intValue: "3" }` becomes `3`. */
export type OtlpValue =
  string | number | boolean | null | readonly OtlpValue[] | { readonly [key: string]: OtlpValue };

/** One span of an OTLP export, flattened with its resource's service name. */
export interface ReceivedSpan {
  /** 32 lower-case hex digits. */
  readonly traceId: string;
  /** 16 lower-case hex digits. */
  readonly spanId: string;
  /** Undefined for a root span (or a span whose parent was remote and unknown). */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: SpanKind;
  /** service.name of the resource that sent the span. */
  readonly serviceName: string | undefined;
  /** Instrumentation scope, e.g. '@opentelemetry/instrumentation-http'. */
  readonly scopeName: string;
  readonly status: { readonly code: SpanStatusCode; readonly message?: string };
  readonly attributes: Readonly<Record<string, OtlpValue>>;
}

/** Thrown when a request body is not an OTLP JSON trace export. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  readonly code = 'OTLP_DECODE' as const;
}

type Json = Readonly<Record<string, unknown>>;

function record(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new OtlpDecodeError(`${what} is not an object`);
  }
  return value as Json;
}

function list(value: unknown, what: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpDecodeError(`${what} is not an array`);
  return value;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new OtlpDecodeError(`${what} is not a string`);
  return value;
}

// OTLP/JSON encodes ids as hex (the JS exporter does); protobuf-JSON mappers may send base64.
function id(value: unknown, bytes: number, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const raw = text(value, what);
  if (raw.length === bytes * 2 && /^[0-9a-fA-F]+$/.test(raw)) return raw.toLowerCase();
  const decoded = Buffer.from(raw, 'base64');
  if (decoded.length !== bytes)
    throw new OtlpDecodeError(`${what} "${raw}" is neither hex nor base64`);
  return decoded.toString('hex');
}

function anyValue(value: unknown): OtlpValue {
  const v = record(value, 'attribute value');
  if ('stringValue' in v) return text(v['stringValue'], 'stringValue');
  if ('boolValue' in v) return v['boolValue'] === true;
  // int64 may arrive as a JSON string to survive 53-bit doubles.
  if ('intValue' in v) return Number(v['intValue']);
  if ('doubleValue' in v) return Number(v['doubleValue']);
  if ('bytesValue' in v) return text(v['bytesValue'], 'bytesValue');
  if ('arrayValue' in v) {
    return list(record(v['arrayValue'], 'arrayValue')['values'], 'arrayValue.values').map(anyValue);
  }
  if ('kvlistValue' in v) {
    return keyValues(record(v['kvlistValue'], 'kvlistValue')['values']);
  }
  return null;
}

function keyValues(value: unknown): Record<string, OtlpValue> {
  const out: Record<string, OtlpValue> = {};
  for (const item of list(value, 'attributes')) {
    const kv = record(item, 'attribute');
    out[text(kv['key'], 'attribute key')] = anyValue(kv['value']);
  }
  return out;
}

// OTLP numbers kinds from 1 (INTERNAL); the API enum from 0. 0 is UNSPECIFIED.
const KINDS: Readonly<Record<number, SpanKind>> = {
  1: SpanKind.INTERNAL,
  2: SpanKind.SERVER,
  3: SpanKind.CLIENT,
  4: SpanKind.PRODUCER,
  5: SpanKind.CONSUMER,
};

function status(value: unknown): ReceivedSpan['status'] {
  if (value === undefined || value === null) return { code: SpanStatusCode.UNSET };
  const s = record(value, 'status');
  const code = Number(s['code'] ?? 0) as SpanStatusCode;
  return typeof s['message'] === 'string' && s['message'] !== ''
    ? { code, message: s['message'] }
    : { code };
}

/** Flattens an ExportTraceServiceRequest (OTLP/HTTP JSON body) into spans. */
export function decodeOtlpTraces(body: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const rs of list(record(body, 'body')['resourceSpans'], 'resourceSpans')) {
    const resourceSpans = record(rs, 'resourceSpans[]');
    const resource =
      resourceSpans['resource'] === undefined ? {} : record(resourceSpans['resource'], 'resource');
    const serviceName = keyValues(resource['attributes'])['service.name'];
    for (const ss of list(resourceSpans['scopeSpans'], 'scopeSpans')) {
      const scopeSpans = record(ss, 'scopeSpans[]');
      const scope = scopeSpans['scope'] === undefined ? {} : record(scopeSpans['scope'], 'scope');
      const scopeName = typeof scope['name'] === 'string' ? scope['name'] : '';
      for (const item of list(scopeSpans['spans'], 'spans')) {
        const span = record(item, 'span');
        const traceId = id(span['traceId'], 16, 'traceId');
        const spanId = id(span['spanId'], 8, 'spanId');
        if (traceId === undefined || spanId === undefined) {
          throw new OtlpDecodeError('a span has no traceId or spanId');
        }
        spans.push({
          traceId,
          spanId,
          parentSpanId: id(span['parentSpanId'], 8, 'parentSpanId'),
          name: text(span['name'], 'span name'),
          kind: KINDS[Number(span['kind'] ?? 0)] ?? SpanKind.INTERNAL,
          serviceName: typeof serviceName === 'string' ? serviceName : undefined,
          scopeName,
          status: status(span['status']),
          attributes: keyValues(span['attributes']),
        });
      }
    }
  }
  return spans;
}
