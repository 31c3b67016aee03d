import type { MsgHdrs, NatsConnection } from '@nats-io/nats-core';
import { NatsConnectionImpl, type ProtocolHandler } from '@nats-io/nats-core/internal';

/** What a caller passes; undefined means not set. */
export interface PublishOptions {
  reply?: string | undefined;
  /** The header block as NATS carries it (`encodeHeaders`), or none. */
  headers?: Uint8Array | undefined;
}

/** Told what `nc.publish` threw for a queued message (nothing was sent). */
export type PublishFailed = (error: unknown) => void;

interface Queued {
  subject: string;
  data: Uint8Array;
  reply: string | undefined;
  headers: Uint8Array | undefined;
  failed: PublishFailed | undefined;
}

/** What nats.js's publish refuses in a subject (`_check`). */
const WHITESPACE = /[ \n\r\t]/;
const CRLF = 0x0d0a;

/**
 * A batch this long is handed over at once, without waiting for the end of
 * the turn, so that the receiver starts on it while the rest of the turn is
 * still being worked (nats-server and the other process run on other cores).
 * Waiting for the whole turn kept the processes taking turns: at 50 calls in
 * flight the peer bench used less CPU per request than Moleculer but less of
 * the machine too (throughput 0.88-0.95x); with batches of at most 16,
 * 0.99-1.05x, with 32 0.94-0.97x (docs/messaging.md, "Batched publishes").
 */
export const PUBLISH_BATCH_MAX = 16;

/**
 * Publishes on one NATS connection in batches: what is published during one
 * turn of the event loop goes out together in its check phase (setImmediate),
 * or as soon as `PUBLISH_BATCH_MAX` messages are queued, where the batch is
 * handed to nats.js as one buffer, written to the socket at once.
 *
 * nats.js itself writes once per microtask checkpoint, and Node runs one after
 * every socket callback, so requests read from different HTTP connections in
 * the same turn each paid a socket write of their own. On loopback a write
 * also pays the receiver's TCP processing and wake-up: the largest single cost
 * of every process of the put path (see docs/messaging.md, "Batched
 * publishes"). A batch costs the rest of the turn in latency, a few
 * microseconds; a caller with nothing else in flight has nothing to batch
 * with and publishes at once (`publishNow`).
 *
 * The batch's `PUB`/`HPUB` frames are written here, into one buffer per
 * batch, as nats.js's publish writes them, and handed to its protocol
 * handler as one command: its publish encodes each frame's first line into
 * an ArrayBuffer of its own, tests both subjects with a regular expression
 * and copies the parts of every frame again into one more buffer (measured
 * in the peer bench: ~10% less CPU per request in each of the client, the
 * server and nats-server). A message nats.js would refuse or treat otherwise
 * (connection closed or draining, a subject with whitespace, headers the
 * server does not take, a payload over its limit) goes through nats.js's
 * own publish, in its place in the batch, so it fails as it always did.
 */
export class PublishBatch {
  private queue: Queued[] = [];
  private scheduled = false;
  /** nats.js's protocol handler, when the connection is nats.js's own. */
  private readonly protocol: ProtocolHandler | undefined;

  constructor(private readonly nc: NatsConnection) {
    this.protocol = nc instanceof NatsConnectionImpl ? nc.protocol : undefined;
  }

  /**
   * Queues the message for this turn's batch (handing the batch over when it
   * is full). `failed` is told what
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
    this.queue.push({ subject, data, reply: options.reply, headers: options.headers, failed });
    if (this.queue.length >= PUBLISH_BATCH_MAX) {
      this.flush();
      return;
    }
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flush);
    }
  }

  /** Publishes now, after whatever is queued; throws what `nc.publish` throws. */
  publishNow(subject: string, data: Uint8Array, options: PublishOptions): void {
    if (this.queue.length > 0) this.flush();
    const { reply, headers } = options;
    const message: Queued = { subject, data, reply, headers, failed: undefined };
    const protocol = this.protocol;
    if (protocol !== undefined && this.writable(protocol, message))
      protocol.sendCommand(frames([message], 0, 1, protocol));
    else this.nc.publish(subject, data, natsOptions(message));
  }

  /** Hands everything queued to nats.js now (before a drain or a close). */
  readonly flush = (): void => {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const protocol = this.protocol;
    // Runs of messages written here, one buffer each; any other message through nats.js, in its place.
    let from = 0;
    for (let i = 0; i < batch.length; i++) {
      const queued = batch[i]!;
      if (protocol !== undefined && this.writable(protocol, queued)) continue;
      if (protocol !== undefined && i > from)
        protocol.sendCommand(frames(batch, from, i, protocol));
      from = i + 1;
      try {
        this.nc.publish(queued.subject, queued.data, natsOptions(queued));
      } catch (error) {
        queued.failed?.(error);
      }
    }
    if (protocol !== undefined && batch.length > from)
      protocol.sendCommand(frames(batch, from, batch.length, protocol));
  };

  /** Whether nats.js's publish would send `queued` as it is (else it goes through it, to fail as it does). */
  private writable(protocol: ProtocolHandler, queued: Queued): boolean {
    if (this.nc.isClosed() || protocol.noMorePublishing) return false;
    const { subject, reply, headers, data } = queued;
    if (subject.length === 0 || WHITESPACE.test(subject)) return false;
    if (reply && WHITESPACE.test(reply)) return false;
    const info = protocol.info;
    if (headers !== undefined && info !== undefined && !info.headers) return false;
    const size = data.byteLength + (headers?.byteLength ?? 0);
    return info === undefined || size <= info.max_payload;
  }
}

/** The publish options nats.js takes for a message it publishes itself. */
function natsOptions(queued: Queued): { reply?: string; headers?: MsgHdrs } {
  const out: { reply?: string; headers?: MsgHdrs } = {};
  if (queued.reply !== undefined) out.reply = queued.reply;
  const block = queued.headers;
  // nats.js's publish only calls encode() on the headers.
  if (block !== undefined) out.headers = { encode: () => block } as unknown as MsgHdrs;
  return out;
}

/**
 * The frames of `batch[from..to)` in one buffer, as nats.js's publish writes
 * each: `PUB <subject> [reply] <size>\r\n<data>\r\n`, or with headers
 * `HPUB <subject> [reply] <header size> <total size>\r\n<headers><data>\r\n`.
 * Counts them in the connection's statistics as its publish does.
 */
function frames(
  batch: readonly Queued[],
  from: number,
  to: number,
  protocol: ProtocolHandler,
): Uint8Array {
  const lines: string[] = [];
  // The lines are UTF-8 as nats.js encodes them: at most 3 bytes a UTF-16 unit.
  let bound = 0;
  for (let i = from; i < to; i++) {
    const { subject, reply, headers, data } = batch[i]!;
    const target = reply ? `${subject} ${reply}` : subject;
    const line =
      headers === undefined
        ? `PUB ${target} ${data.byteLength}\r\n`
        : `HPUB ${target} ${headers.byteLength} ${headers.byteLength + data.byteLength}\r\n`;
    lines.push(line);
    bound += line.length * 3 + (headers?.byteLength ?? 0) + data.byteLength + 2;
  }
  const out = Buffer.allocUnsafe(bound);
  let at = 0;
  for (let i = from; i < to; i++) {
    const { headers, data } = batch[i]!;
    at += out.write(lines[i - from]!, at);
    if (headers !== undefined) {
      out.set(headers, at);
      at += headers.byteLength;
    }
    out.set(data, at);
    at += data.byteLength;
    out.writeUInt16BE(CRLF, at);
    at += 2;
    protocol.outBytes += (headers?.byteLength ?? 0) + data.byteLength;
    protocol.outMsgs++;
  }
  return out.subarray(0, at);
}
