import { request as httpRequest } from 'node:http';
import { TEST_AUTH_HEADERS } from './auth';

/** The test token's header, unless `headers` has an Authorization of its own (`''`: none at all). */
function withAuth(headers: Record<string, string>): Record<string, string> {
  const own = Object.keys(headers).find((name) => name.toLowerCase() === 'authorization');
  if (own === undefined) return { ...TEST_AUTH_HEADERS, ...headers };
  if (headers[own] !== '') return headers;
  const { [own]: _none, ...rest } = headers;
  return rest;
}

/**
 * An HTTP request with the tests' admin token (support/auth.ts); a string or
 * bytes body is sent as is, anything else as JSON. Resolves with the status, the body (parsed when it is JSON) and the
 * response headers.
 */
export async function http(
  url: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const raw = typeof body === 'string' || body instanceof Uint8Array;
  const sent = withAuth(headers);
  const response = await fetch(url, {
    method,
    headers: body === undefined || raw ? sent : { 'content-type': 'application/json', ...sent },
    body: body === undefined ? undefined : raw ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** What `rawHttp` received: status, headers and the body as text. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One request with node:http, so that the request target, the headers and
 * the framing are exactly as given (fetch adds a content type and a length),
 * plus the tests' admin token as `http` adds it.
 * No `chunks`: no body and no framing headers; with `chunks` and no
 * Content-Length: chunked.
 */
export function rawHttp(
  url: string,
  options: { method: string; path: string; headers?: Record<string, string>; chunks?: string[] },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        hostname,
        port,
        method: options.method,
        path: options.path,
        headers: withAuth(options.headers ?? {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    for (const chunk of options.chunks ?? []) req.write(chunk);
    req.end();
  });
}
