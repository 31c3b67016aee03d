import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Msg } from '@nats-io/nats-core';
import { payloadTooLarge, unavailable } from '@crucible/contracts';
import type {
  Bus,
  BusHandler,
  BusMessage,
  Headers,
  RequestOptions,
  ServeOptions,
  Subscription,
} from './bus';
import { decodeHeaderBlock, encodeHeaders, fromNatsHeaders } from './header-block';
import { messageSize } from './message-size';
import { PublishBatch } from './publish-batch';
import { ReplyInbox } from './reply-inbox';

export interface NatsBusOptions {
  /** e.g. nats://127.0.0.1:4222 */
  url: string;
  /** Connection name shown by the server (monitoring). */
  name: string;
  /**
   * Credentials of this process's NATS user (docs/security.md, "NATS"):
   * each service and the gateway connect as their own user, whose
   * permissions the generated server configuration sets. Unset: no
   * authentication (the open local server of `npm test` and `infra:up`).
   */
  user?: string;
  password?: string;
  /**
   * Prefix of this connection's reply subjects (default `_INBOX`). With
   * permissions, each user may subscribe only to its own inbox prefix
   * (`_INBOX_<user>`), so no one else can read its replies.
   */
  inboxPrefix?: string;
}

/**
 * The request/reply bus on a NATS server. Each operation is a queue
 * subscription (the service name is the queue group), so replicas share the
 * load and a request reaches exactly one of them.
 */
export class NatsBus implements Bus {
  private readonly served = new Set<Subscription>();

  private readonly replies: ReplyInbox;

  /** Requests and replies go out through one batch per connection (see PublishBatch). */
  private readonly publisher: PublishBatch;

  /** False from a disconnect until the reconnect (see `Bus.connected`). */
  private up = true;

  private constructor(
    private readonly nc: NatsConnection,
    inboxPrefix: string | undefined,
  ) {
    this.publisher = new PublishBatch(nc);
    this.replies = new ReplyInbox(nc, this.publisher, inboxPrefix);
    void this.watchStatus();
  }

  static async connect(options: NatsBusOptions): Promise<NatsBus> {
    const nc = await connect({
      servers: options.url,
      name: options.name,
      ...(options.user !== undefined ? { user: options.user, pass: options.password ?? '' } : {}),
      ...(options.inboxPrefix !== undefined ? { inboxPrefix: options.inboxPrefix } : {}),
      // Keep reconnecting while a server restarts; requests fail fast meanwhile.
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      // A server that vanishes without closing the socket is noticed within
      // ~10 s (two unanswered pings 5 s apart) rather than nats.js's 4 minutes.
      pingInterval: 5_000,
      maxPingOut: 2,
      // No async stack traces kept per request (measured: ~15% of the gateway's CPU per get).
      noAsyncTraces: true,
    });
    const bus = new NatsBus(nc, options.inboxPrefix);
    // As for serve(): a refused reply inbox (credentials with another
    // user's inbox prefix) is an error at start, not a timeout per request.
    await nc.flush();
    if (bus.replies.refused !== undefined) {
      await nc.close();
      throw new Error(
        `NATS refused this connection's reply inbox: ${bus.replies.refused.message}`,
        {
          cause: bus.replies.refused,
        },
      );
    }
    return bus;
  }

  get maxPayload(): number {
    return this.nc.info?.max_payload ?? 1024 * 1024;
  }

  get connected(): boolean {
    return this.up && !this.nc.isClosed();
  }

  /**
   * Follows the connection: while it is down nats.js would buffer requests
   * and let each wait out its timeout (5 s at the gateway); instead requests
   * in flight fail at once and new ones are refused until the reconnect.
   */
  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      if (status.type === 'disconnect') {
        this.up = false;
        this.replies.failAll(new Error(`disconnected from ${status.server}`));
      } else if (status.type === 'reconnect') {
        this.up = true;
      }
    }
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage> {
    if (!this.connected) {
      throw unavailable('NATS connection unavailable: reconnecting', { reason: 'connection' });
    }
    const size = messageSize(data, options.headers);
    if (size > this.maxPayload) throw payloadTooLarge(this.maxPayload, size);
    try {
      const reply = await this.replies.request(subject, data, {
        timeoutMs: options.timeoutMs,
        headers: encodeHeaders(options.headers),
      });
      return new NatsReply(reply);
    } catch (error) {
      throw translateRequestError(error);
    }
  }

  async serve(subject: string, options: ServeOptions, handler: BusHandler): Promise<Subscription> {
    const inFlight = new Set<Promise<void>>();
    let refused: Error | undefined;
    const natsSubscription = this.nc.subscribe(subject, {
      queue: options.queue,
      callback: (error, msg) => {
        // Closed (a permissions violation, say): nothing to answer.
        if (error) {
          refused = error;
          return;
        }
        // A reply that cannot be sent (connection closed meanwhile) leaves the
        // requester to its timeout; it must not become an unhandled rejection.
        const settled = (): void => {
          inFlight.delete(done);
        };
        const done = answer(msg, handler, this.publisher, () => inFlight.size === 1).then(
          settled,
          settled,
        );
        inFlight.add(done);
      },
    });
    // Resolve only once the server has the subscription: otherwise a request
    // sent right away from another connection can find no responders.
    await this.nc.flush();
    // The server answers a subscription it refuses before the flush's PONG:
    // a service given another's NATS credentials fails to start, loudly,
    // instead of running deaf (docs/security.md, "NATS").
    if (refused !== undefined)
      throw new Error(`NATS refused the subscription to ${subject}: ${refused.message}`, {
        cause: refused,
      });
    let drained: Promise<void> | undefined;
    const subscription: Subscription = {
      drain: () => {
        drained ??= (async () => {
          // Unsubscribe first so the server routes new requests to other replicas.
          // It rejects only when the connection is already closed: nothing left to drain.
          await natsSubscription.drain().catch(() => undefined);
          await Promise.allSettled([...inFlight]);
          // Replies queued for this turn's batch are handed over before the drain resolves.
          this.publisher.flush();
          this.served.delete(subscription);
        })();
        return drained;
      },
    };
    this.served.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    // Our subscriptions first: nc.drain() does not wait for async handlers,
    // and their replies would then fail on the closing connection.
    await Promise.all([...this.served].map((s) => s.drain()));
    this.publisher.flush();
    await this.nc.drain().catch(() => undefined);
  }
}

/**
 * Resolves once the reply is handed to nats.js or queued in `publisher`
 * (which a drain flushes), so a drain waits for it.
 * `alone`: whether this is the only request of the subscription in flight
 * (then there is nothing to batch its reply with).
 */
async function answer(
  msg: Msg,
  handler: BusHandler,
  publisher: PublishBatch,
  alone: () => boolean,
): Promise<void> {
  const reply = await handler({ data: msg.data, headers: requestHeaders(msg) });
  // What msg.respond does: publish to the reply subject, when the request has one.
  if (!msg.reply) return;
  const options = { headers: encodeHeaders(reply.headers) };
  // A reply nats.js refuses (connection closed meanwhile) leaves the
  // requester to its timeout, as a reply lost on the way would.
  if (alone()) publisher.publishNow(msg.reply, reply.data, options);
  else publisher.publish(msg.reply, reply.data, options);
}

/**
 * A reply as a BusMessage whose headers are converted when first read: the
 * RPC client reads only the data (converting them cost ~1% of a caller's
 * CPU per request).
 */
class NatsReply implements BusMessage {
  private converted: Headers | undefined;

  constructor(private readonly msg: Msg) {}

  get data(): Uint8Array {
    return this.msg.data;
  }

  get headers(): Headers {
    return (this.converted ??= fromNatsHeaders(this.msg.headers));
  }
}

/** Publish failures (ReplyInbox already answers timeouts and no responders with CrucibleErrors). */
function translateRequestError(error: unknown): unknown {
  const name = error instanceof Error ? error.name : '';
  if (
    name === 'ClosedConnectionError' ||
    name === 'ConnectionError' ||
    name === 'DrainingConnectionError'
  ) {
    return unavailable(`NATS connection unavailable: ${(error as Error).message}`, {
      reason: 'connection',
    });
  }
  return error;
}

/**
 * A request's headers, read from the raw header block nats.js keeps on its
 * message (`_rdata` up to `_msg.hdr`) when it is there and plain, else
 * through nats.js's MsgHdrs as before (decodeHeaderBlock).
 */
function requestHeaders(msg: Msg): Headers {
  const raw = msg as unknown as { _msg?: { hdr?: unknown }; _rdata?: unknown };
  const end = raw._msg?.hdr;
  if (typeof end === 'number' && end > 0 && raw._rdata instanceof Uint8Array) {
    const decoded = decodeHeaderBlock(raw._rdata.subarray(0, end));
    if (decoded !== undefined) return decoded;
  }
  return fromNatsHeaders(msg.headers);
}
