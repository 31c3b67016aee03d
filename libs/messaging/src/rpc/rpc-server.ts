import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import {
  assertValid,
  internal,
  operationSubject,
  payloadTooLarge,
  serviceQueue,
  toCrucibleError,
  type Catalog,
  type CrucibleError,
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
import type { Bus, BusMessage, Subscription } from '../bus/bus';
import { decodeJson, encodeError, encodeResult } from './codec';
import { CORRELATION_ID_HEADER, REQUEST_ID_HEADER, extractTrace } from './headers';
import { REPLY_HEADROOM_BYTES, replyBudget } from './reply-pages';
import { messagingTracer } from '../tracer';

/** What a handler knows about the request it answers. */
export interface RpcContext {
  readonly operation: OperationName;
  readonly requestId: string;
  readonly correlationId: string;
  /**
   * The most bytes the result's JSON may take: a reply whose lists grow with
   * stored content cuts its page to fit (`pageBySize`), never past this.
   */
  readonly replyBudgetBytes: number;
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
    const requestId = message.headers[REQUEST_ID_HEADER] ?? randomUUID();
    const correlationId = message.headers[CORRELATION_ID_HEADER] ?? requestId;
    const spec = this.options.catalog.operation(operation);
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
    return messagingTracer().startActiveSpan(
      messagingSpanName(facts),
      { kind: SpanKind.SERVER, attributes },
      extractTrace(message.headers),
      async (span) => {
        let body: Uint8Array;
        try {
          const limit = this.options.maxRequestBytes ?? this.options.bus.maxPayload;
          if (message.data.byteLength > limit)
            throw payloadTooLarge(limit, message.data.byteLength);
          const request = decodeJson(message.data);
          assertValid(this.options.catalog.registry, spec.request, request);
          const result = await handler(request as RequestOf<OperationName>, {
            operation,
            requestId,
            correlationId,
            replyBudgetBytes: replyBudget(this.options.bus.maxPayload),
          });
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
          const error = toCrucibleError(thrown);
          if (error.code === 'internal') {
            this.options.logger.error('operation failed', { operation, requestId, error: thrown });
          }
          // Answered, not thrown: the span records the wire error (error.type = its code).
          recordSpanError(span, error);
          body = encodeError(error);
        } finally {
          span.end();
        }
        return { data: body, headers: { [REQUEST_ID_HEADER]: requestId } };
      },
    );
  }

  private encodeReply(operation: OperationName, replySchema: string, result: unknown): Uint8Array {
    const error: CrucibleError | null = (() => {
      try {
        assertValid(this.options.catalog.registry, replySchema, result);
        return null;
      } catch (invalid) {
        this.options.logger.error('reply breaks its schema', { operation, error: invalid });
        return internal('the service produced an invalid reply', { reason: 'invalid_reply' });
      }
    })();
    return error ? encodeError(error) : encodeResult(result);
  }
}
