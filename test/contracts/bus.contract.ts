// The Bus contract (libs/messaging/src/bus/bus.ts), declared once and run
// against every implementation: NatsBus on a real NATS server and the
// in-process bus of the embedded default must behave the same.
import type { Bus, BusHandler, BusMessage, Subscription } from '@crucible/messaging';
import { uniqueName } from '../support';
import { Collector, gate, rejectionOf, settlesWithin, within } from './waits';

/** Buses that reach each other: the servers and clients of one test. */
export interface BusNetwork {
  /** A bus on its own connection (NATS) or the shared in-process bus. */
  connect(): Promise<Bus>;
  /** Closes every bus `connect` returned. */
  close(): Promise<void>;
}

export interface BusTarget {
  readonly name: string;
  /** A fresh network for one test. */
  network(): Promise<BusNetwork>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (data: Uint8Array): string => decoder.decode(data);
const bytes = (value: string): Uint8Array => encoder.encode(value);

const echo: BusHandler = (message) => Promise.resolve({ data: message.data, headers: {} });

/** Declares the Bus contract suite for one implementation. */
export function describeBusContract(target: BusTarget): void {
  describe(`Bus contract: ${target.name}`, () => {
    let network: BusNetwork;
    let subject: string;

    beforeEach(async () => {
      network = await target.network();
      subject = `${uniqueName('bus')}.op`;
    });

    afterEach(async () => {
      await network.close();
    });

    it('carries bytes and headers both ways', async () => {
      const server = await network.connect();
      const client = await network.connect();
      const seen: BusMessage[] = [];
      await server.serve(subject, { queue: 'contract' }, (message) => {
        seen.push(message);
        return Promise.resolve({
          data: Uint8Array.from([...message.data].reverse()),
          headers: { 'x-echo': message.headers['x-probe'] ?? 'missing', 'x-server': 'yes' },
        });
      });

      // Every byte value, including NUL and bytes that are not valid UTF-8.
      const payload = Uint8Array.from({ length: 256 }, (_, i) => i);
      const reply = await client.request(subject, payload, {
        timeoutMs: 5_000,
        headers: { 'x-probe': 'probe-value', 'crucible-request-id': 'r-1' },
      });

      expect(seen).toHaveLength(1);
      expect(Buffer.from(seen[0]!.data).equals(Buffer.from(payload))).toBe(true);
      expect(seen[0]!.headers).toMatchObject({
        'x-probe': 'probe-value',
        'crucible-request-id': 'r-1',
      });
      expect([...reply.data]).toEqual([...payload].reverse());
      expect(reply.headers).toMatchObject({ 'x-echo': 'probe-value', 'x-server': 'yes' });
    });

    it('carries each of many requests sent in one turn, and its reply, with its own bytes and headers', async () => {
      const server = await network.connect();
      const client = await network.connect();
      await server.serve(subject, { queue: 'contract' }, (message) => {
        // A reply with headers and one without.
        const headers: Record<string, string> =
          message.data.length % 2 === 0 ? { 'x-n': message.headers['x-n'] ?? '?' } : {};
        return Promise.resolve({ data: Uint8Array.from([...message.data].reverse()), headers });
      });
      // Sizes around nothing, a few bytes and more than one batch holds at once; with and without headers.
      const sizes = [0, 1, 2, 3, 255, 4_096, 40_000, 100_001, 0, 7];
      const payloads = sizes.map((size, n) =>
        Uint8Array.from({ length: size }, (_, i) => (i * 7 + n) % 256),
      );
      const replies = await Promise.all(
        payloads.map((payload, n) =>
          client.request(subject, payload, {
            timeoutMs: 5_000,
            ...(n % 3 === 2 ? {} : { headers: { 'x-n': String(n), baggage: 'user=“é”' } }),
          }),
        ),
      );
      replies.forEach((reply, n) => {
        expect(Buffer.from(reply.data).equals(Buffer.from([...payloads[n]!].reverse()))).toBe(true);
        const echoed = n % 3 === 2 ? '?' : String(n);
        expect(reply.headers['x-n']).toBe(sizes[n]! % 2 === 0 ? echoed : undefined);
      });
    });

    it('delivers each request to exactly one member of a queue group', async () => {
      const client = await network.connect();
      const handled = new Collector<{ server: string; request: string }>();
      for (const server of ['a', 'b']) {
        const bus = await network.connect();
        await bus.serve(subject, { queue: 'replicas' }, (message) => {
          handled.push({ server, request: text(message.data) });
          return Promise.resolve({ data: bytes(`${text(message.data)}:done`), headers: {} });
        });
      }

      const requests = Array.from({ length: 20 }, (_, i) => `req-${i}`);
      const replies = await Promise.all(
        requests.map((r) => client.request(subject, bytes(r), { timeoutMs: 5_000 })),
      );

      expect(replies.map((r) => text(r.data))).toEqual(requests.map((r) => `${r}:done`));
      // Every reply arrived, so every invocation has happened: exactly one per request.
      expect(handled.items.map((h) => h.request).sort()).toEqual([...requests].sort());
    });

    it('fails fast with unavailable/no_responders when nobody serves the subject', async () => {
      const client = await network.connect();
      const started = Date.now();
      const error = await rejectionOf(client.request(subject, bytes('x'), { timeoutMs: 5_000 }));
      const elapsed = Date.now() - started;

      expect(error).toMatchObject({ code: 'unavailable', details: { reason: 'no_responders' } });
      expect(elapsed).toBeLessThan(1_000);
    });

    it('fails with unavailable/timeout close to the timeout when the handler is slower', async () => {
      const server = await network.connect();
      const client = await network.connect();
      const release = gate();
      const subscription = await server.serve(subject, { queue: 'contract' }, async (message) => {
        await release.opened;
        return { data: message.data, headers: {} };
      });
      try {
        const timeoutMs = 400;
        const started = Date.now();
        const error = await rejectionOf(client.request(subject, bytes('slow'), { timeoutMs }));
        const elapsed = Date.now() - started;

        expect(error).toMatchObject({ code: 'unavailable', details: { reason: 'timeout' } });
        expect(elapsed).toBeGreaterThanOrEqual(timeoutMs - 20);
        expect(elapsed).toBeLessThan(timeoutMs + 1_000);
      } finally {
        release.open();
        await subscription.drain();
      }
    });

    it('refuses a payload over maxPayload with payload_too_large and delivers nothing', async () => {
      const server = await network.connect();
      const client = await network.connect();
      const handled = new Collector<string>();
      await server.serve(subject, { queue: 'contract' }, (message) => {
        handled.push(`${message.data.byteLength} bytes`);
        return echo(message);
      });

      const tooLarge = new Uint8Array(client.maxPayload + 1);
      const error = await rejectionOf(client.request(subject, tooLarge, { timeoutMs: 5_000 }));
      expect(error).toMatchObject({
        code: 'payload_too_large',
        details: { reason: 'payload_too_large', limit_bytes: client.maxPayload },
      });

      // A small request on the same path afterwards: once its reply is back,
      // anything sent before it would have been handled too.
      const reply = await client.request(subject, bytes('small'), { timeoutMs: 5_000 });
      expect(text(reply.data)).toBe('small');
      expect(handled.items).toEqual(['5 bytes']);
    });

    it('counts headers against maxPayload, as the NATS server does', async () => {
      const server = await network.connect();
      const client = await network.connect();
      const handled = new Collector<string>();
      await server.serve(subject, { queue: 'contract' }, (message) => {
        handled.push(`${message.data.byteLength} bytes`);
        return echo(message);
      });

      const fitsWithoutHeaders = new Uint8Array(client.maxPayload);
      const error = await rejectionOf(
        client.request(subject, fitsWithoutHeaders, {
          timeoutMs: 5_000,
          headers: { 'x-probe': 'v' },
        }),
      );
      expect(error).toMatchObject({
        code: 'payload_too_large',
        details: { reason: 'payload_too_large' },
      });

      const reply = await client.request(subject, bytes('small'), { timeoutMs: 5_000 });
      expect(text(reply.data)).toBe('small');
      expect(handled.items).toEqual(['5 bytes']);
    });

    it('drain() answers the request in flight, then the subject has no responders', async () => {
      const server = await network.connect();
      const client = await network.connect();
      const events: string[] = [];
      const started = gate();
      const release = gate();
      const subscription = await server.serve(subject, { queue: 'contract' }, async (message) => {
        started.open();
        await release.opened;
        events.push('handler finished');
        return { data: bytes(`${text(message.data)}:answered`), headers: {} };
      });

      const inFlight = client.request(subject, bytes('in-flight'), { timeoutMs: 10_000 });
      await within(5_000, 'the handler to receive the request', started.opened);
      const drained = drainAndRecord(subscription, events);

      // drain() must still be waiting: the handler has not answered yet.
      expect(await settlesWithin(200, drained)).toBe(false);
      release.open();

      const reply = await within(5_000, 'the reply of the in-flight request', inFlight);
      expect(text(reply.data)).toBe('in-flight:answered');
      await within(5_000, 'drain() to resolve', drained);
      expect(events).toEqual(['handler finished', 'drained']);

      const after = await rejectionOf(client.request(subject, bytes('late'), { timeoutMs: 5_000 }));
      expect(after).toMatchObject({ code: 'unavailable', details: { reason: 'no_responders' } });
    });

    it('drain() called right after a request was sent does not resolve before answering it', async () => {
      const server = await network.connect();
      const client = await network.connect();
      const events: string[] = [];
      const subscription = await server.serve(subject, { queue: 'contract' }, async (message) => {
        // Some work of the handler's own, so it ends well after it started.
        await new Promise((resolve) => setTimeout(resolve, 50));
        events.push('handler finished');
        return echo(message);
      });

      const sent = client.request(subject, bytes('racing'), { timeoutMs: 5_000 }).then(
        (reply) => text(reply.data),
        (error: unknown) => error,
      );
      const drained = drainAndRecord(subscription, events);
      const outcome = await within(5_000, 'the racing request to settle', sent);
      await within(5_000, 'drain() to resolve', drained);

      // Either the server took the request (then drain waited for its answer)
      // or the unsubscribe came first (then nobody responded); never a drop.
      if (outcome === 'racing') expect(events).toEqual(['handler finished', 'drained']);
      else
        expect(outcome).toMatchObject({
          code: 'unavailable',
          details: { reason: 'no_responders' },
        });
    });

    it('close() answers the requests in flight before it resolves', async () => {
      const server = await network.connect();
      const client = await network.connect();
      const events: string[] = [];
      const started = gate();
      const release = gate();
      await server.serve(subject, { queue: 'contract' }, async (message) => {
        started.open();
        await release.opened;
        events.push('handler finished');
        return { data: bytes(`${text(message.data)}:answered`), headers: {} };
      });

      const inFlight = client.request(subject, bytes('in-flight'), { timeoutMs: 10_000 });
      await within(5_000, 'the handler to receive the request', started.opened);
      const closed = server.close().then(() => {
        events.push('closed');
      });

      expect(await settlesWithin(200, closed)).toBe(false);
      release.open();

      const reply = await within(5_000, 'the reply of the in-flight request', inFlight);
      expect(text(reply.data)).toBe('in-flight:answered');
      await within(5_000, 'close() to resolve', closed);
      expect(events).toEqual(['handler finished', 'closed']);
    });

    it('close() answers every one of many concurrent requests before it resolves', async () => {
      const server = await network.connect();
      const client = await network.connect();
      const release = gate();
      const received = new Collector<string>();
      await server.serve(subject, { queue: 'contract' }, async (message) => {
        received.push(text(message.data));
        await release.opened;
        return { data: bytes(`${text(message.data)}:answered`), headers: {} };
      });

      // Sent in one turn and answered in one turn: what NatsBus batches.
      const requests = Array.from({ length: 25 }, (_, i) => `req-${i}`);
      const replies = Promise.all(
        requests.map((r) => client.request(subject, bytes(r), { timeoutMs: 10_000 })),
      );
      await received.until(requests.length, 5_000, 'every request to reach the handler');
      const closed = server.close();
      release.open();

      expect((await within(5_000, 'the replies', replies)).map((r) => text(r.data))).toEqual(
        requests.map((r) => `${r}:answered`),
      );
      await within(5_000, 'close() to resolve', closed);
    });
  });
}

function drainAndRecord(subscription: Subscription, events: string[]): Promise<void> {
  return subscription.drain().then(() => {
    events.push('drained');
  });
}
