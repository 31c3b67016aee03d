import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeOtlpTraces, type ReceivedSpan } from './otlp-json-decode';

/** A local OTLP/HTTP JSON trace endpoint that keeps what it receives. */
export interface OtlpJsonReceiver {
  /** Base URL (`http://127.0.0.1:<port>`): the value for OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly url: string;
  /** `${url}/v1/traces`: the value for OTEL_EXPORTER_OTLP_TRACES_ENDPOINT. */
  readonly tracesUrl: string;
  /** Every span received so far, in arrival order. */
  spans(): ReceivedSpan[];
  /**
   * Resolves with all spans received once `predicate` holds for them (checked
   * now and on each export); rejects with SpanWaitTimeoutError after `timeoutMs`.
   */
  waitFor(
    predicate: (spans: readonly ReceivedSpan[]) => boolean,
    timeoutMs?: number,
  ): Promise<ReceivedSpan[]>;
  /** Stops listening and drops open connections; pending waits reject. */
  close(): Promise<void>;
}

/** `waitFor` gave up: the spans it wanted did not arrive in time. */
export class SpanWaitTimeoutError extends Error {
  override readonly name = 'SpanWaitTimeoutError';
  readonly code = 'SPAN_WAIT_TIMEOUT' as const;

  constructor(
    readonly received: readonly ReceivedSpan[],
    message: string,
  ) {
    super(message);
  }
}

interface Waiter {
  readonly predicate: (spans: readonly ReceivedSpan[]) => boolean;
  readonly resolve: (spans: ReceivedSpan[]) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Starts a receiver on 127.0.0.1 at a free port. Close it in `finally`. */
export async function createOtlpJsonReceiver(): Promise<OtlpJsonReceiver> {
  const received: ReceivedSpan[] = [];
  const waiters = new Set<Waiter>();

  const settleWaiters = (): void => {
    for (const waiter of waiters) {
      if (!waiter.predicate(received)) continue;
      waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve([...received]);
    }
  };

  const server = createServer((req, res) => {
    handleExport(req, res, (spans) => {
      received.push(...spans);
      settleWaiters();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    tracesUrl: `${url}/v1/traces`,
    spans: () => [...received],
    waitFor(predicate, timeoutMs = 5_000) {
      if (predicate(received)) return Promise.resolve([...received]);
      return new Promise<ReceivedSpan[]>((resolve, reject) => {
        const waiter: Waiter = {
          predicate,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            const names = received.map((s) => `${s.serviceName ?? '?'}:${s.name}`).join(', ');
            reject(
              new SpanWaitTimeoutError(
                [...received],
                `spans did not match within ${timeoutMs} ms; received ${received.length}: [${names}]`,
              ),
            );
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    async close() {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(new Error('OTLP receiver closed while waiting for spans'));
      }
      waiters.clear();
      // Exporters keep connections alive; without this close() waits for them to idle out.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function handleExport(
  req: IncomingMessage,
  res: ServerResponse,
  accept: (spans: ReceivedSpan[]) => void,
): void {
  const reply = (status: number, body: object): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v1/traces') {
    reply(404, { message: 'only POST /v1/traces is served' });
    req.resume();
    return;
  }
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
    reply(415, { message: 'only OTLP/HTTP JSON (application/json) is accepted' });
    req.resume();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY_BYTES) {
      reply(413, { message: `body larger than ${MAX_BODY_BYTES} bytes` });
      return;
    }
    try {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      accept(decodeOtlpTraces(JSON.parse(body.toString('utf8'))));
      // An empty ExportTraceServiceResponse: everything accepted.
      reply(200, {});
    } catch (error: unknown) {
      // Bad gzip, bad JSON or not an OTLP export: the sender's fault, never ours to crash on.
      reply(400, { message: error instanceof Error ? error.message : String(error) });
    }
  });
}
