import { createRequire } from 'node:module';

/**
 * kafkajs 2.2.4 (its last release) keeps a 1 ms timer loop running on every
 * broker connection that has nothing queued: each connection's request
 * queue, after any response, schedules a check of its pending requests
 * with a delay of `throttledUntil - now`, negative when nothing throttles
 * it (so Node runs it after 1 ms), and the check schedules the next one
 * whether or not anything is pending (kafkajs issues #1556, #1604, #1704).
 * Measured here, an idle process of the bench platform (six services, their
 * consumers and producers) woke about 1,600 times a second for it.
 *
 * The check only ever sends requests that wait in the queue (held back by
 * client-side throttling or the in-flight limit), and a request that starts
 * waiting schedules a check itself (`push`), as does every response and
 * timeout (`checkPendingRequests`). So a check is scheduled here only while
 * something waits: when the queue is throttled, at the end of the
 * throttling; otherwise after kafkajs's own 10 ms. Nothing else changes.
 *
 * Applied once, when this lib's Kafka event log is loaded, and only to the
 * kafkajs version it was written against (KAFKAJS_VERSION): any other
 * version is left as it is and `patchKafkajsIdleTimers` says so, and a test
 * fails, so an upgrade is looked at again.
 */
export const KAFKAJS_VERSION = '2.2.4';

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL (src/network/requestQueue). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/** What the replacement reads and writes of a kafkajs RequestQueue. */
export interface KafkajsRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** Where the patch stands: applied (now or before), or why not. */
export type KafkajsPatchState = 'applied' | `skipped: ${string}`;

let state: KafkajsPatchState | undefined;

/**
 * Replaces kafkajs's `RequestQueue.prototype.scheduleCheckPendingRequests`
 * (see above). Idempotent; returns what was done.
 */
export function patchKafkajsIdleTimers(): KafkajsPatchState {
  if (state !== undefined) return state;
  state = apply();
  return state;
}

function apply(): KafkajsPatchState {
  const load = createRequire(__filename);
  const version = (load('kafkajs/package.json') as { version?: unknown }).version;
  if (version !== KAFKAJS_VERSION) return `skipped: kafkajs ${String(version)} is installed`;
  const RequestQueue = load('kafkajs/src/network/requestQueue') as
    { prototype?: Partial<KafkajsRequestQueue> } | undefined;
  const proto = RequestQueue?.prototype;
  if (proto === undefined || typeof proto.scheduleCheckPendingRequests !== 'function')
    return 'skipped: kafkajs has no RequestQueue.scheduleCheckPendingRequests';
  proto.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  return 'applied';
}

/** kafkajs's scheduling, except that nothing is scheduled while nothing waits. */
export function scheduleCheckPendingRequests(this: KafkajsRequestQueue): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledForMs = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}
