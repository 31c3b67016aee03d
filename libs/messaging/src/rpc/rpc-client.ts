import { randomUUID } from 'node:crypto';
import { SpanKind, context, type Span } from '@opentelemetry/api';
import {
  CrucibleError,
  assertRepresentable,
  assertSchema,
  assertValid,
  internal,
  operationSubject,
  unavailable,
  type Catalog,
  type OperationName,
  type ReplyOf,
  type RequestOf,
  type WireError,
} from '@crucible/contracts';
import {
  messagingAttributes,
  messagingSpanName,
  recordSpanError,
  type Logger,
  type MessagingSpanFacts,
} from '@crucible/telemetry';
import type { Bus, Headers } from '../bus/bus';
import { decodeMessage, encodeJson, encodeMessage, resultJson } from './codec';
import { checkContentReply } from './content-check';
import { TIMEOUT_HEADER, longPollMs } from './deadline';
import { CORRELATION_ID_HEADER, PRINCIPAL_HEADER, REQUEST_ID_HEADER, injectTrace } from './headers';
import { recordingMessagingTracer } from '../tracer';

/**
 * How long a call waits: its own timeout, cut to what is left of the
 * deadline of the request it is made for, if any (a service calling another
 * waits no longer than its own caller). None left: refused without sending.
 */
function callTimeout(timeoutMs: number, deadline: number | undefined, subject: string): number {
  if (deadline === undefined) return timeoutMs;
  const left = deadline - Date.now();
  if (left <= 0) {
    throw unavailable('the request being handled is past its deadline; call not sent', {
      reason: 'deadline_exceeded',
      subject,
    });
  }
  return Math.min(timeoutMs, left);
}

export interface RpcClientOptions {
  bus: Bus;
  catalog: Catalog;
  prefix: string;
  /** Default time to wait for an answer. */
  timeoutMs: number;
  /**
   * The service making the calls. Set, the client sends only the calls the
   * catalog declares for it (`Catalog.mayCall`) and refuses any other: a
   * programming error (an undeclared dependency between services), logged
   * and answered `internal` without anything sent. Unset: the gateway,
   * which calls the exposed operations.
   */
  caller?: { readonly service: string; readonly logger: Logger };
}

/**
 * What a call is made for: the request being handled (its `RpcContext`, which
 * is one) or work of the service's own (`{ correlationId }`, no deadline).
 */
export interface CallerContext {
  readonly correlationId: string;
  /**
   * When the caller of the request being handled stops waiting (epoch ms):
   * the call waits no longer, and is not sent once it has passed.
   */
  readonly deadline?: number | undefined;
}

/** The options of a call made for `caller`: its correlation id and deadline. */
export function callerOptions(caller: CallerContext): CallOptions {
  return caller.deadline === undefined
    ? { correlationId: caller.correlationId }
    : { correlationId: caller.correlationId, deadline: caller.deadline };
}

export interface CallOptions {
  timeoutMs?: number;
  /**
   * The deadline of the request this call is made for (`CallerContext`):
   * the call waits at most what is left of it, and none left is refused
   * (`unavailable`/`deadline_exceeded`) without being sent.
   */
  deadline?: number;
  requestId?: string;
  correlationId?: string;
  /** Who asked (the gateway's authenticated principal), sent as PRINCIPAL_HEADER. */
  principal?: string;
  /**
   * `request` as UTF-8 JSON, when the caller holds the bytes it decoded
   * `request` from (the gateway: the HTTP body). Sent as they are instead of
   * encoding `request` again (measured: ~20 us of the gateway's CPU per put);
   * `request` is still what is validated.
   */
  encodedRequest?: Uint8Array;
}

/**
 * Calls operations of other services. The request is checked against its
 * schema before it leaves (a bad request never reaches the wire) and the reply
 * against its schema when it arrives. Errors come back as CrucibleError.
 */
export class RpcClient {
  constructor(private readonly options: RpcClientOptions) {}

  call<Op extends OperationName>(
    operation: Op,
    request: RequestOf<Op>,
    options: CallOptions = {},
  ): Promise<ReplyOf<Op>> {
    return this.callUnchecked(operation, request, options) as Promise<ReplyOf<Op>>;
  }

  /**
   * For untrusted input (gateway, MCP): `request` is validated here like any other.
   * Not `async` (nor `callForwarding`, nor `send`): a promise around the
   * exchange's own promise costs a request more microtask turns.
   */
  callUnchecked(
    operation: OperationName,
    request: unknown,
    options: CallOptions = {},
  ): Promise<unknown> {
    return this.send(operation, request, options, (data) =>
      this.decodeReply(operation, request, data),
    );
  }

  /**
   * As `callUnchecked`, but the result comes back as the UTF-8 JSON the
   * service encoded, for a caller that only forwards it (the gateway's HTTP
   * routes). The reply is still decoded and checked against its schema (both
   * ends check every message); only the encoding again is saved.
   */
  callForwarding(
    operation: OperationName,
    request: unknown,
    options: CallOptions = {},
  ): Promise<Uint8Array> {
    return this.send(operation, request, options, (data) => {
      const result = this.decodeReply(operation, request, data);
      return resultJson(data) ?? encodeJson(result);
    });
  }

  /**
   * Sends the request and reads the reply with `read`, inside the CLIENT span
   * (which records an error reply's code). What is refused before sending
   * rejects, as from an async function; the exchange's own promise is
   * returned, not wrapped in another.
   */
  private send<T>(
    operation: OperationName,
    request: unknown,
    options: CallOptions,
    read: (reply: Uint8Array) => T,
  ): Promise<T> {
    try {
      return this.sendChecked(operation, request, options, read);
    } catch (error) {
      // What is refused here is a CrucibleError (or another Error), rejected as thrown.
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** `send`, throwing what it refuses. */
  private sendChecked<T>(
    operation: OperationName,
    request: unknown,
    options: CallOptions,
    read: (reply: Uint8Array) => T,
  ): Promise<T> {
    const { catalog, bus, prefix } = this.options;
    const spec = catalog.operation(operation);
    this.checkDeclared(operation);
    const body = this.checkedRequest(spec.request, request, options.encodedRequest);
    const subject = operationSubject(prefix, spec);
    const requestId = options.requestId ?? randomUUID();
    const correlationId = options.correlationId ?? requestId;
    const exchange = async (span: Span | undefined): Promise<T> => {
      try {
        // A long poll's wait comes on top of the time to answer.
        const timeoutMs = callTimeout(
          (options.timeoutMs ?? this.options.timeoutMs) + longPollMs(request),
          options.deadline,
          subject,
        );
        const headers: Headers = {
          [REQUEST_ID_HEADER]: requestId,
          // The responder stops work its caller has abandoned (docs/messaging.md).
          [TIMEOUT_HEADER]: String(timeoutMs),
        };
        // Absent, the responder takes the request id (a call that starts a conversation).
        if (correlationId !== requestId) headers[CORRELATION_ID_HEADER] = correlationId;
        if (options.principal !== undefined) headers[PRINCIPAL_HEADER] = options.principal;
        injectTrace(headers, context.active());
        const reply = await bus.request(subject, body, { timeoutMs, headers });
        return read(reply.data);
      } catch (error) {
        if (span) recordSpanError(span, error);
        throw error;
      } finally {
        span?.end();
      }
    };
    const tracer = recordingMessagingTracer();
    if (tracer === undefined) return exchange(undefined);
    // A request that waits for its reply: CLIENT here, SERVER at the responder (docs/telemetry.md).
    const facts: MessagingSpanFacts = {
      system: 'nats',
      operationType: 'send',
      operationName: 'request',
      destination: subject,
      conversationId: correlationId,
      bodySize: body.byteLength,
    };
    // Added to, not spread: spreading the attributes costs microseconds a request.
    const attributes = messagingAttributes(facts);
    attributes['rpc.method'] = operation;
    attributes['crucible.request_id'] = requestId;
    return tracer.startActiveSpan(
      messagingSpanName(facts),
      { kind: SpanKind.CLIENT, attributes },
      exchange,
    );
  }

  /**
   * The request checked against its schema, and its bytes: `encoded` when
   * given, else encoded here first, so that its text tells whether the
   * strings need searching for NULs and lone surrogates (`cleanStringsIn`).
   */
  private checkedRequest(schema: string, request: unknown, encoded?: Uint8Array): Uint8Array {
    const { registry } = this.options.catalog;
    const message = encoded === undefined ? encodeMessage(request) : undefined;
    assertValid(registry, schema, request, message?.known);
    return encoded ?? message?.bytes ?? encodeJson(request);
  }

  /** Refuses a call the catalog does not declare for the calling service. */
  private checkDeclared(operation: OperationName): void {
    const { caller, catalog } = this.options;
    if (caller === undefined || catalog.mayCall(caller.service, operation)) return;
    caller.logger.error('call not declared in the catalog; refused', {
      caller: caller.service,
      operation,
    });
    throw internal('internal error', { reason: 'undeclared_call' });
  }

  /**
   * The result of a reply, checked against the operation's reply schema and,
   * for a read by hash, against the hash asked for; or its error thrown.
   */
  private decodeReply(operation: OperationName, request: unknown, data: Uint8Array): unknown {
    const { registry } = this.options.catalog;
    const replySchema = this.options.catalog.operation(operation).reply;
    let body: unknown;
    try {
      const decoded = decodeMessage(data);
      body = decoded.value;
      // The whole reply once; the result below is part of it.
      assertRepresentable(body, decoded.known);
      assertSchema(registry, 'common/reply.v1.json', body);
    } catch {
      throw internal('the service sent a malformed reply', { reason: 'invalid_reply' });
    }
    if ('error' in (body as object))
      throw CrucibleError.fromWire((body as { error: WireError }).error);
    const result = (body as { result: unknown }).result;
    try {
      assertSchema(registry, replySchema, result);
    } catch {
      throw internal('the service sent a reply that breaks its schema', {
        reason: 'invalid_reply',
      });
    }
    checkContentReply(operation, request, result);
    return result;
  }
}
