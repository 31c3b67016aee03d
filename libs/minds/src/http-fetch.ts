import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { untraced } from '@crucible/telemetry';

/**
 * How long an idle connection to an LLM server is kept for the next call
 * (undici's default, which Node's fetch used here before): below the
 * keep-alive timeouts servers commonly close idle connections at (5 s for
 * Node and uvicorn), so a call rarely takes a connection the server is
 * closing. A server's `Keep-Alive: timeout=` hint shortens it (Node's agent).
 */
const IDLE_CONNECTION_MS = 4_000;

/** Statuses a fetch follows to the Location they give (`redirected`: with which request). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Statuses whose Response has no body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** Keep-alive agents by origin, shared by every mind of the process (as fetch's pool was). */
const agents = new Map<string, http.Agent>();

function agentFor(url: URL): http.Agent {
  const origin = `${url.protocol}//${url.host}`;
  let agent = agents.get(origin);
  if (agent === undefined) {
    const options: http.AgentOptions = {
      keepAlive: true,
      // Idle sockets only: the agent destroys a free socket when it times out, never a busy one.
      timeout: IDLE_CONNECTION_MS,
      // The most recently used connection first: the one least likely to be closing.
      scheduling: 'lifo',
    };
    agent = url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    agents.set(origin, agent);
  }
  return agent;
}

type FetchInput = string | URL | Request;

/**
 * A `fetch` for the openai client's chat calls, on Node's `http`/`https`
 * with keep-alive agents instead of Node's built-in fetch (undici's WHATWG
 * implementation): measured here against a server in another process, a
 * call through the openai client took 0.9-1.2 ms instead of 1.2-1.7 ms and
 * about 1 ms less CPU (docs/services/worlds-minds.md, "HTTP").
 *
 * It behaves as fetch does for what the client sends (a URL, a method,
 * headers, a string or byte body, an AbortSignal): the answer is read whole
 * before the promise resolves (chat replies are not streamed), a gzip,
 * deflate or br body is decoded, a redirect is followed by handing fetch
 * the request it leads to (`redirected`), an abort rejects with the signal's
 * reason, and a connection failure rejects with `TypeError('fetch failed')`
 * whose cause is Node's error (as undici's fetch does: ECONNREFUSED and the
 * like are read from it). Anything else (a Request object, a stream or form
 * body, another protocol) goes to fetch unchanged. Requests run with
 * tracing suppressed: the chat span is the call's span, as before (fetch was
 * never instrumented).
 */
export function httpFetch(input: FetchInput, init: RequestInit = {}): Promise<Response> {
  const body = init.body;
  const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : undefined;
  if (
    url === undefined ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    (body !== undefined &&
      body !== null &&
      typeof body !== 'string' &&
      !(body instanceof Uint8Array))
  ) {
    return fetch(input, init);
  }
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const onAbort = (): void => {
      fail(abortReason(signal));
      request.destroy();
    };
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    if (body !== undefined && body !== null) {
      headers['content-length'] = String(
        typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
      );
    }
    const transport = url.protocol === 'https:' ? https : http;
    const request = untraced(() =>
      transport.request(url, { method: init.method ?? 'GET', headers, agent: agentFor(url) }),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => signal?.removeEventListener('abort', onAbort);
    request.on('error', (error) => {
      done();
      fail(new TypeError('fetch failed', { cause: error }));
    });
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        response.resume();
        done();
        if (!settled) {
          settled = true;
          resolve(fetch(new URL(location, url), redirected(status, init)));
        }
        return;
      }
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', (error) => {
        done();
        fail(new TypeError('fetch failed', { cause: error }));
      });
      response.on('close', () => {
        done();
        if (!response.complete) {
          fail(
            new TypeError('fetch failed', { cause: new Error('the connection closed mid-body') }),
          );
        }
      });
      response.on('end', () => {
        done();
        if (settled) return;
        try {
          const bytes = decoded(Buffer.concat(chunks), response.headers['content-encoding']);
          const answer = new Headers();
          const raw = response.rawHeaders;
          for (let i = 0; i + 1 < raw.length; i += 2) answer.append(raw[i]!, raw[i + 1]!);
          settled = true;
          resolve(
            new Response(NULL_BODY.has(status) ? null : bytes, {
              status,
              statusText: response.statusMessage ?? '',
              headers: answer,
            }),
          );
        } catch (error) {
          fail(new TypeError('fetch failed', { cause: error }));
        }
      });
    });
    request.end(body ?? undefined);
  });
}

/**
 * The request a redirect leads to, as fetch makes it: a 303, or a 301 or 302
 * answering a POST, is followed with a GET and no body; a 307 or 308 with the
 * request as it was.
 */
function redirected(status: number, init: RequestInit): RequestInit {
  const method = (init.method ?? 'GET').toUpperCase();
  if (
    (status === 303 && method !== 'HEAD') ||
    ((status === 301 || status === 302) && method === 'POST')
  ) {
    const headers = new Headers(init.headers);
    for (const name of [
      'content-type',
      'content-length',
      'content-encoding',
      'content-language',
      'content-location',
    ])
      headers.delete(name);
    return { ...init, method: 'GET', body: null, headers };
  }
  return init;
}

/** Why an aborted call rejects: the signal's reason, as fetch rejects (else an AbortError). */
function abortReason(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error
    ? reason
    : new DOMException('This operation was aborted', 'AbortError');
}

/** The body as sent, decoded as fetch decodes it (a server may compress unasked). */
function decoded(bytes: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toLowerCase()) {
    case undefined:
    case '':
    case 'identity':
      return bytes;
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(bytes);
    case 'deflate':
      // zlib-wrapped, as the standard says; some servers send it raw.
      try {
        return zlib.inflateSync(bytes);
      } catch {
        return zlib.inflateRawSync(bytes);
      }
    case 'br':
      return zlib.brotliDecompressSync(bytes);
    default:
      throw new Error(`unsupported content-encoding ${encoding}`);
  }
}
