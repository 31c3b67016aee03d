import { payloadTooLarge, unavailable } from '@crucible/contracts';
import type {
  Bus,
  BusHandler,
  BusMessage,
  RequestOptions,
  ServeOptions,
  Subscription,
} from './bus';
import { messageSize } from './message-size';

/** One serve() registration and the deliveries it has accepted but not answered yet. */
class Endpoint {
  active = true;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly handler: BusHandler) {}

  /**
   * Runs the handler on a later turn, as a network would. The delivery is in
   * flight from the moment a request picked this endpoint, so a drain() that
   * comes before the handler starts still waits for it.
   */
  deliver(message: BusMessage): Promise<BusMessage> {
    const reply = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.handler(message),
    );
    this.inFlight.add(reply);
    void reply.finally(() => this.inFlight.delete(reply)).catch(() => undefined);
    return reply;
  }

  async idle(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }
}

/**
 * The request/reply bus inside one process (the embedded default). Same
 * contract as NATS: bytes are copied both ways, one member of a queue group
 * answers, timeouts and missing responders fail the same way.
 */
export class InProcessBus implements Bus {
  readonly maxPayload: number;
  /** Always: there is no connection to lose. */
  readonly connected = true;
  private readonly endpoints = new Map<string, Endpoint[]>();
  private readonly cursor = new Map<string, number>();
  private readonly subscriptions = new Set<Subscription>();

  constructor(options: { maxPayload?: number } = {}) {
    this.maxPayload = options.maxPayload ?? 1024 * 1024;
  }

  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage> {
    const size = messageSize(data, options.headers);
    if (size > this.maxPayload) {
      return Promise.reject(payloadTooLarge(this.maxPayload, size));
    }
    const endpoint = this.pick(subject);
    if (!endpoint) {
      return Promise.reject(
        unavailable(`no service answers ${subject}`, { reason: 'no_responders', subject }),
      );
    }
    return new Promise<BusMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          unavailable(`no answer on ${subject} within ${options.timeoutMs} ms`, {
            reason: 'timeout',
            subject,
          }),
        );
      }, options.timeoutMs);
      // Copies of the bytes both ways, as a network would.
      endpoint.deliver({ data: Uint8Array.from(data), headers: { ...options.headers } }).then(
        (reply) => {
          clearTimeout(timer);
          resolve({ data: Uint8Array.from(reply.data), headers: { ...reply.headers } });
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  serve(subject: string, _options: ServeOptions, handler: BusHandler): Promise<Subscription> {
    const endpoint = new Endpoint(handler);
    const list = this.endpoints.get(subject) ?? [];
    list.push(endpoint);
    this.endpoints.set(subject, list);
    const subscription: Subscription = {
      drain: async () => {
        endpoint.active = false;
        const remaining = (this.endpoints.get(subject) ?? []).filter((e) => e !== endpoint);
        this.endpoints.set(subject, remaining);
        this.subscriptions.delete(subscription);
        await endpoint.idle();
      },
    };
    this.subscriptions.add(subscription);
    return Promise.resolve(subscription);
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.drain()));
  }

  private pick(subject: string): Endpoint | undefined {
    const list = (this.endpoints.get(subject) ?? []).filter((e) => e.active);
    if (list.length === 0) return undefined;
    const next = (this.cursor.get(subject) ?? 0) % list.length;
    this.cursor.set(subject, next + 1);
    return list[next];
  }
}
