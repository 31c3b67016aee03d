import { createRequire } from 'node:module';
import {
  KAFKAJS_VERSION,
  patchKafkajsIdleTimers,
  scheduleCheckPendingRequests,
  type KafkajsRequestQueue,
} from './kafkajs-idle-timers';

const load = createRequire(__filename);

/** A request queue's state as the scheduling reads it, counting its checks. */
function queue(pending: number, throttledForMs = 0): KafkajsRequestQueue & { checks: number[] } {
  const started = Date.now();
  const q = {
    pending: Array.from({ length: pending }, (_, i) => i),
    throttledUntil: throttledForMs > 0 ? started + throttledForMs : -1,
    throttleCheckTimeoutId: null,
    checks: [] as number[],
    checkPendingRequests(): void {
      q.checks.push(Date.now() - started);
    },
    scheduleCheckPendingRequests,
  };
  return q;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('kafkajs idle timers', () => {
  it('schedules nothing while nothing waits (kafkajs ran a 1 ms loop)', async () => {
    const q = queue(0);
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    await sleep(30);
    expect(q.checks).toEqual([]);
  });

  it("checks a waiting request after kafkajs's 10 ms when nothing throttles the queue", async () => {
    const q = queue(1);
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
    await sleep(60);
    expect(q.checks).toHaveLength(1);
    expect(q.checks[0]).toBeGreaterThanOrEqual(9);
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('checks a waiting request when the throttling ends, once however often it is asked', async () => {
    const q = queue(2, 40);
    q.scheduleCheckPendingRequests();
    q.scheduleCheckPendingRequests();
    await sleep(20);
    expect(q.checks).toEqual([]);
    await sleep(60);
    expect(q.checks).toHaveLength(1);
    expect(q.checks[0]).toBeGreaterThanOrEqual(39);
  });

  it(`is applied to kafkajs ${KAFKAJS_VERSION}, the version installed (an upgrade fails here: look again)`, () => {
    expect((load('kafkajs/package.json') as { version: string }).version).toBe(KAFKAJS_VERSION);
    expect(patchKafkajsIdleTimers()).toBe('applied');
    expect(patchKafkajsIdleTimers()).toBe('applied');
    const RequestQueue = load('kafkajs/src/network/requestQueue') as {
      prototype: Record<string, unknown>;
    };
    expect(RequestQueue.prototype['scheduleCheckPendingRequests']).toBe(
      scheduleCheckPendingRequests,
    );
  });

  it("leaves a real request queue with nothing waiting without a timer after a response's check", () => {
    patchKafkajsIdleTimers();
    const RequestQueue = load('kafkajs/src/network/requestQueue') as new (
      options: object,
    ) => KafkajsRequestQueue & { destroy(): void };
    const silent = { debug: () => undefined, warn: () => undefined, info: () => undefined };
    const q = new RequestQueue({
      maxInFlightRequests: 1,
      requestTimeout: 1000,
      enforceRequestTimeout: false,
      clientId: 'idle-timers-test',
      broker: '127.0.0.1:9',
      logger: silent,
    });
    try {
      // What kafkajs does on every response (fulfillRequest) and request timeout.
      q.checkPendingRequests();
      expect(q.throttleCheckTimeoutId).toBeNull();
    } finally {
      q.destroy();
    }
  });
});
