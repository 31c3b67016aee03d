import type { MsgHdrs, NatsConnection } from '@nats-io/nats-core';

/** What nc.publish takes: only the options that are set. */
type NatsPublishOptions = { reply?: string; headers?: MsgHdrs };

/** What a caller passes; undefined means not set. */
export interface PublishOptions {
  reply?: string | undefined;
  headers?: MsgHdrs | undefined;
}

/** Told what `nc.publish` threw for a queued message (nothing was sent). */
export type PublishFailed = (error: unknown) => void;

interface Queued {
  subject: string;
  data: Uint8Array;
  options: NatsPublishOptions;
  failed: PublishFailed | undefined;
}

function natsOptions(options: PublishOptions): NatsPublishOptions {
  const out: NatsPublishOptions = {};
  if (options.reply !== undefined) out.reply = options.reply;
  if (options.headers !== undefined) out.headers = options.headers;
  return out;
}

/**
 * Publishes on one NATS connection in batches: what is published during one
 * turn of the event loop goes out together in its check phase (setImmediate),
 * where nats.js writes the whole batch to the socket at once.
 *
 * nats.js itself writes once per microtask checkpoint, and Node runs one after
 * every socket callback, so requests read from different HTTP connections in
 * the same turn each paid a socket write of their own. On loopback a write
 * also pays the receiver's TCP processing and wake-up: the largest single cost
 * of every process of the put path (see docs/messaging.md, "Batched
 * publishes"). A batch costs the rest of the turn in latency, a few
 * microseconds; a caller with nothing else in flight has nothing to batch
 * with and publishes at once (`publishNow`).
 */
export class PublishBatch {
  private queue: Queued[] = [];
  private scheduled = false;

  constructor(private readonly nc: NatsConnection) {}

  /**
   * Queues the message for this turn's batch. `failed` is told what
   * `nc.publish` threw for it (connection closed or draining, bad subject,
   * ...). A callback, not a promise: a promise and its two closures per
   * message were measurable on a busy connection (docs/messaging.md).
   */
  publish(
    subject: string,
    data: Uint8Array,
    options: PublishOptions,
    failed?: PublishFailed,
  ): void {
    this.queue.push({ subject, data, options: natsOptions(options), failed });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Publishes now, after whatever is queued; throws what `nc.publish` throws. */
  publishNow(subject: string, data: Uint8Array, options: PublishOptions): void {
    if (this.queue.length > 0) this.flush();
    this.nc.publish(subject, data, natsOptions(options));
  }

  /** Hands everything queued to nats.js now (before a drain or a close). */
  readonly flush = (): void => {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const queued of batch) {
      try {
        this.nc.publish(queued.subject, queued.data, queued.options);
      } catch (error) {
        queued.failed?.(error);
      }
    }
  };
}
