import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

/** A header value as transports hand it over: kafkajs gives Buffers, NATS and HTTP strings. */
export type HeaderValue = string | Uint8Array;

/**
 * Headers as a plain record: HTTP's IncomingHttpHeaders, kafkajs's IHeaders
 * (`message.headers`), or what `injectTraceContext` returns.
 */
export type HeaderRecord = Readonly<
  Record<string, HeaderValue | readonly HeaderValue[] | undefined>
>;

/** Headers behind a getter, as NATS `MsgHdrs` (`msg.headers`). */
export interface HeaderReader {
  get(key: string): string | null | undefined;
}

/** Headers behind a setter, as NATS `MsgHdrs` (from `headers()`). */
export interface HeaderWriter {
  set(key: string, value: string): void;
}

/** Anything `extractTraceContext` reads from. */
export type TraceCarrier = HeaderRecord | HeaderReader;

const utf8 = new TextDecoder();

function decode(value: HeaderValue): string {
  return typeof value === 'string' ? value : utf8.decode(value);
}

function isHeaderReader(carrier: TraceCarrier): carrier is HeaderReader {
  return typeof (carrier as Partial<HeaderReader>).get === 'function';
}

function readRecord(record: HeaderRecord, key: string): string | string[] | undefined {
  let value = record[key];
  // Propagators ask for lower-case names; a producer in another language may not have used them.
  if (value === undefined) {
    const match = Object.keys(record).find((k) => k.toLowerCase() === key);
    if (match !== undefined) value = record[match];
  }
  if (value === undefined) return undefined;
  if (typeof value === 'string' || value instanceof Uint8Array) return decode(value);
  return value.map(decode);
}

/** Reads either carrier shape; NATS answers '' for a missing header, which counts as absent. */
export const traceCarrierGetter: TextMapGetter<TraceCarrier> = {
  keys(carrier) {
    if (!isHeaderReader(carrier)) return Object.keys(carrier);
    const keys = (carrier as { keys?: unknown }).keys;
    return typeof keys === 'function' ? (keys.call(carrier) as string[]) : [];
  },
  get(carrier, key) {
    const value = isHeaderReader(carrier) ? carrier.get(key) : readRecord(carrier, key);
    return value === null || value === '' ? undefined : value;
  },
};

const headerWriterSetter: TextMapSetter<HeaderWriter> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

/**
 * The W3C `traceparent`, `tracestate` and `baggage` headers for `ctx` (default:
 * the active context), through the global propagator. No `traceparent` when
 * the context holds no valid span. The result spreads straight into kafkajs
 * `headers`, an HTTP request, or an outbox row's headers column.
 */
export function injectTraceContext(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier;
}

/** Like `injectTraceContext`, but writes into a `set(key, value)` carrier such as NATS `MsgHdrs`. */
export function injectTraceContextInto(
  headers: HeaderWriter,
  ctx: Context = context.active(),
): void {
  propagation.inject(ctx, headers, headerWriterSetter);
}

/**
 * The context carried by incoming headers, to use as `parent` of a server or
 * consumer span. Built on `base` (default: the root context, so a message
 * without trace headers starts a new trace rather than joining whatever
 * happens to be active in the receive loop).
 */
export function extractTraceContext(carrier: TraceCarrier, base: Context = ROOT_CONTEXT): Context {
  return propagation.extract(base, carrier, traceCarrierGetter);
}
