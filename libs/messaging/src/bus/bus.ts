/** Headers travel as plain string maps; keys are lowercase. */
export type Headers = Record<string, string>;

/** One message on the request/reply bus. */
export interface BusMessage {
  readonly data: Uint8Array;
  readonly headers: Headers;
}

export interface RequestOptions {
  timeoutMs: number;
  headers?: Headers;
}

export interface ServeOptions {
  /** Queue group: replicas of one service share the load, each request reaches one. */
  queue: string;
}

/** A handler always resolves to a reply; it must not throw (the RPC layer turns errors into replies). */
export type BusHandler = (message: BusMessage) => Promise<BusMessage>;

export interface Subscription {
  /** Stops taking new requests and waits for the ones in flight to be answered. */
  drain(): Promise<void>;
}

/**
 * Request/reply transport. Implemented on NATS (`NatsBus`) and in process
 * (`InProcessBus`); both pass the same contract tests.
 *
 * `request` rejects with a CrucibleError: `unavailable` (reason `timeout` or
 * `no_responders`) or `payload_too_large`.
 */
export interface Bus {
  /** Largest payload a message may carry, in bytes. */
  readonly maxPayload: number;
  /**
   * Whether requests can leave now. False while the NATS connection is down
   * (reconnecting): `request` then fails at once with `unavailable`
   * (reason `connection`) instead of waiting out its timeout, and readiness
   * says 503 (docs/architecture.md, "What happens on failure").
   */
  readonly connected: boolean;
  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage>;
  serve(subject: string, options: ServeOptions, handler: BusHandler): Promise<Subscription>;
  /** Drains subscriptions and closes the connection. */
  close(): Promise<void>;
}
