import { randomUUID } from 'node:crypto';
import { SpanKind, type Span } from '@opentelemetry/api';
import {
  assertValid,
  CrucibleError,
  internal,
  isCrucibleError,
  operationSubject,
  payloadTooLarge,
  serviceQueue,
  toCrucibleError,
  unavailable,
  type Catalog,
  type OperationName,
  type ReplyOf,
  type RequestOf,
} from '@crucible/contracts';
import {
  messagingAttributes,
  messagingSpanName,
  recordSpanError,
  type Logger,
  type MessagingSpanFacts,
} from '@crucible/telemetry';
import { transientDatabaseFailure } from '@crucible/database';
import type { Bus, BusMessage, Subscription } from '../bus/bus';
import { decodeMessage, encodeError, encodeMessage, encodeResult } from './codec';
import {
  CORRELATION_ID_HEADER,
  PRINCIPAL_HEADER,
  REQUEST_ID_HEADER,
  extractTrace,
} from './headers';
import { REPLY_HEADROOM_BYTES, replyBudget } from './reply-pages';
import { recordingMessagingTracer } from '../tracer';
import { TIMEOUT_HEADER } from './deadline';

/** The request's deadline: its arrival plus the caller's remaining wait, when it sent one. */
function deadlineOf(
  headers: Readonly<Record<string, string>>,
  arrivedAt: number,
): number | undefined {
  const raw = headers[TIMEOUT_HEADER];
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  return Number.isFinite(ms) ? arrivedAt + ms : undefined;
}

/** What a handler knows about the request it answers. */
export interface RpcContext {
  readonly operation: OperationName;
  readonly requestId: string;
  readonly correlationId: string;
  /** Who asked (PRINCIPAL_HEADER): the actor to record; undefined when nobody from outside did. */
  readonly principal: string | undefined;
  /**
   * When the caller stops waiting (epoch ms, this process's clock), from the
   * request's `crucible-timeout-ms` header; undefined without one. Calls the
   * handler makes for this request are given it (`CallerContext`: pass the
   * context itself) and wait no longer.
   */
  readonly deadline: number | undefined;
  /** Aborts at `deadline`: work the caller has abandoned can stop. */
  readonly signal: AbortSignal;
  /**
   * The most bytes the result's JSON may take: a reply whose lists grow with
   * stored content cuts its page to fit (`pageBySize`), never past this.
   */
  readonly replyBudgetBytes: number;
}

/**
 * An RpcContext as a class, not an object literal with a `signal` getter:
 * V8 makes such a literal in old space, where it keeps the request it
 * points at alive through every young-generation collection until a full
 * one (measured: a third of what the server allocated per request was
 * promoted, and its CPU per request tripled; docs/messaging.md).
 */
class HandlerContext implements RpcContext {
  private abortSignal: AbortSignal | undefined;

  constructor(
    readonly operation: OperationName,
    readonly requestId: string,
    readonly correlationId: string,
    readonly principal: string | undefined,
    readonly deadline: number | undefined,
    readonly replyBudgetBytes: number,
  ) {}

  /** Made when first read (a timer each). */
  get signal(): AbortSignal {
    this.abortSignal ??=
      this.deadline === undefined
        ? new AbortController().signal
        : AbortSignal.timeout(Math.max(0, this.deadline - Date.now()));
    return this.abortSignal;
  }
}

export type OperationHandler<Op extends OperationName> = (
  request: RequestOf<Op>,
  ctx: RpcContext,
) => Promise<ReplyOf<Op>>;

export interface RpcServerOptions {
  bus: Bus;
  catalog: Catalog;
  /** Subject prefix (deployment or test run). */
  prefix: string;
  service: { name: string; version: string };
  logger: Logger;
  /** Largest request accepted, in bytes (defaults to the bus limit). */
  maxRequestBytes?: number;
}

/**
 * Answers a service's operations: parse, validate, dispatch, validate the
 * reply, answer. Every request gets a reply: a result or a wire error. A reply
 * that breaks its own schema is a bug, answered as `internal` and logged.
 */
export class RpcServer {
  private readonly handlers = new Map<OperationName, OperationHandler<OperationName>>();
  private subscriptions: Subscription[] = [];

  constructor(private readonly options: RpcServerOptions) {}

  handle<Op extends OperationName>(operation: Op, handler: OperationHandler<Op>): this {
    const spec = this.options.catalog.operation(operation);
    if (spec.service !== this.options.service.name) {
      throw new Error(`${operation} belongs to ${spec.service}, not ${this.options.service.name}`);
    }
    this.handlers.set(operation, handler as unknown as OperationHandler<OperationName>);
    return this;
  }

  /** Subscribes every operation; refuses to start if one of the service's operations has no handler. */
  async start(): Promise<void> {
    const { catalog, service, prefix, bus } = this.options;
    const missing = catalog.operationsOf(service.name).filter((op) => !this.handlers.has(op.name));
    if (missing.length > 0) {
      throw new Error(
        `${service.name} has no handler for ${missing.map((op) => op.name).join(', ')}`,
      );
    }
    for (const [name, handler] of this.handlers) {
      const spec = catalog.operation(name);
      const subject = operationSubject(prefix, spec);
      const subscription = await bus.serve(
        subject,
        { queue: serviceQueue(service.name) },
        (message) => this.answer(name, subject, handler, message),
      );
      this.subscriptions.push(subscription);
    }
  }

  /** Stops taking requests and waits for those in flight to be answered. */
  async stop(): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((s) => s.drain()));
  }

  private async answer(
    operation: OperationName,
    subject: string,
    handler: OperationHandler<OperationName>,
    message: BusMessage,
  ): Promise<BusMessage> {
    const arrivedAt = Date.now();
    const requestId = message.headers[REQUEST_ID_HEADER] ?? randomUUID();
    const correlationId = message.headers[CORRELATION_ID_HEADER] ?? requestId;
    const spec = this.options.catalog.operation(operation);
    const respond = async (span: Span | undefined): Promise<BusMessage> => {
      let body: Uint8Array;
      try {
        const limit = this.options.maxRequestBytes ?? this.options.bus.maxPayload;
        if (message.data.byteLength > limit) throw payloadTooLarge(limit, message.data.byteLength);
        const { value: request, known } = decodeMessage(message.data);
        assertValid(this.options.catalog.registry, spec.request, request, known);
        const deadline = deadlineOf(message.headers, arrivedAt);
        // The caller has given up already (it waited out its timeout while
        // the request queued): nobody would read the answer.
        if (deadline !== undefined && Date.now() >= deadline) {
          throw unavailable('the caller stopped waiting before the request was handled', {
            reason: 'deadline_exceeded',
          });
        }
        const ctx = new HandlerContext(
          operation,
          requestId,
          correlationId,
          message.headers[PRINCIPAL_HEADER],
          deadline,
          replyBudget(this.options.bus.maxPayload),
        );
        const result = await handler(request as RequestOf<OperationName>, ctx);
        body = this.encodeReply(operation, spec.reply, result);
        // A reply the bus cannot carry would leave the caller waiting for
        // its timeout; answer with an error that fits instead.
        if (body.byteLength > this.options.bus.maxPayload - REPLY_HEADROOM_BYTES) {
          this.options.logger.error('reply too large for the bus', {
            operation,
            bytes: body.byteLength,
          });
          throw internal('the reply is too large to send', {
            reason: 'reply_too_large',
            bytes: body.byteLength,
          });
        }
      } catch (thrown) {
        const error = replyError(thrown);
        if (error.code === 'unavailable' && !isCrucibleError(thrown)) {
          this.options.logger.warn('operation met a transient database failure', {
            operation,
            requestId,
            error: thrown,
          });
        } else if (error.code === 'internal') {
          this.options.logger.error('operation failed', { operation, requestId, error: thrown });
        }
        // Answered, not thrown: the span records the wire error (error.type = its code).
        if (span) recordSpanError(span, error);
        body = encodeError(error);
      } finally {
        span?.end();
      }
      // No headers: the reply inbox names the exchange, and nothing reads
      // them (a header block costs nats-server and both ends per message).
      return { data: body, headers: {} };
    };
    const tracer = recordingMessagingTracer();
    if (tracer === undefined) return respond(undefined);
    const facts: MessagingSpanFacts = {
      system: 'nats',
      operationType: 'process',
      operationName: 'process',
      destination: subject,
      conversationId: correlationId,
      bodySize: message.data.byteLength,
    };
    // Added to, not spread: spreading the attributes costs microseconds a request.
    const attributes = messagingAttributes(facts);
    attributes['rpc.method'] = operation;
    attributes['crucible.request_id'] = requestId;
    return tracer.startActiveSpan(
      messagingSpanName(facts),
      { kind: SpanKind.SERVER, attributes },
      extractTrace(message.headers),
      respond,
    );
  }

  private encodeReply(operation: OperationName, replySchema: string, result: unknown): Uint8Array {
    // Encoded first: its text tells whether the strings need searching (cleanStringsIn).
    const encoded = encodeMessage({ result });
    const error: CrucibleError | null = (() => {
      try {
        assertValid(this.options.catalog.registry, replySchema, result, encoded?.known);
        return null;
      } catch (invalid) {
        this.options.logger.error('reply breaks its schema', { operation, error: invalid });
        return internal('the service produced an invalid reply', { reason: 'invalid_reply' });
      }
    })();
    if (error) return encodeError(error);
    return encoded?.bytes ?? encodeResult(result);
  }
}

/**
 * The wire error for what a handler threw: a transient database failure (a
 * deadlock, a serialization failure, a lock not granted, no connection) is
 * `unavailable`, retryable, since the same request tried again can succeed;
 * anything else not already a CrucibleError is `internal`.
 */
function replyError(thrown: unknown): CrucibleError {
  if (isCrucibleError(thrown)) return thrown;
  const transient = transientDatabaseFailure(thrown);
  if (transient === undefined) return toCrucibleError(thrown);
  return new CrucibleError(
    'unavailable',
    transient.reason === 'database_conflict'
      ? 'the request met a concurrent one in the database; try again'
      : 'the database could not take the request; try again',
    {
      reason: transient.reason,
      ...(transient.sqlstate === undefined ? {} : { sqlstate: transient.sqlstate }),
    },
    { cause: thrown },
  );
}
