import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import {
  bundleSchema,
  invalidArgument,
  notFound,
  type Catalog,
  type OperationName,
  type OperationSpec,
} from '@crucible/contracts';
import type { RpcClient } from '@crucible/messaging';
import type { AccessControl } from '../auth/access';
import { recordHttpRoute, type Logger } from '@crucible/telemetry';
import { answerOtherMethod, sendError, toHttpError, unsupportedMediaType } from './errors';
import { jsonBodyReader, type JsonBody } from './json-body';
import { requestLayout, type RequestLayout } from './request-layout';
import { RouteTable } from './route-table';
import { fieldReaders, type FieldReader } from './string-fields';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives an HTTP exchange its request id, first thing, so that every answer
 * (operation, error, health, MCP) carries it: the caller's X-Request-Id when
 * sane, else a new one. Read back with `requestIdOf`.
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): void {
  const given = req.headers['x-request-id'];
  res.setHeader(
    'x-request-id',
    typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID(),
  );
}

/** The request id `assignRequestId` gave the exchange. */
export function requestIdOf(res: ServerResponse): string {
  return String(res.getHeader('x-request-id'));
}

/** An operation (where its fields travel, how to read them from strings), or `/v1/ops/{operation}`. */
type Operation =
  { spec: OperationSpec; layout: RequestLayout; readers: Map<string, FieldReader> } | 'ops';

/** What a route leads to; `route` names it in traces. */
interface Target {
  readonly route: string;
  readonly operation: Operation;
}

/** Every operation, by name, with the request as the JSON body. */
export const OPS_PATH = '/v1/ops/{operation}';

/** The route as express's instrumentation named it for traces, e.g. `/v1/names/:name`. */
function expressRoute(path: string): string {
  return path.replace(/\{([a-z_]+)\}/g, ':$1');
}

/**
 * Serves a request when it is one of the operations' routes; false when it
 * is not (the caller hands it to the express app). Never throws: failures are
 * answered with the wire error's status.
 */
export type OperationRouter = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * One HTTP route per catalog operation (method and path from the catalog),
 * plus `POST /v1/ops/{operation}` taking the request as the body. Requests are
 * validated against the operation's schema before they leave (RpcClient).
 *
 * It runs on the node:http request, in front of the express app: a table
 * keyed by the catalog finds the route, the body is read here, and the reply
 * is written with node's own response methods. Measured on the put path
 * (one request at a time): express's app, router and response helpers cost
 * the gateway ~70 us per request, a tenth of the whole pipeline's latency.
 * A path of these routes asked with another method is answered here too (405
 * with Allow). Everything else (home, operation index, health, readiness,
 * OpenAPI, MCP, unknown routes) is the express app's.
 */
export function operationRouter(
  catalog: Catalog,
  rpc: RpcClient,
  bodyLimitBytes: number,
  access: AccessControl,
  logger: Logger,
): OperationRouter {
  const routes = new RouteTable<Target>([
    ...catalog.exposedOperations().map((spec) => {
      const request = bundleSchema(catalog.registry, spec.request);
      return {
        method: spec.http.method,
        path: spec.http.path,
        target: {
          route: expressRoute(spec.http.path),
          operation: { spec, layout: requestLayout(spec, request), readers: fieldReaders(request) },
        },
      };
    }),
    { method: 'POST', path: OPS_PATH, target: { route: expressRoute(OPS_PATH), operation: 'ops' } },
  ]);
  const readBody = jsonBodyReader(bodyLimitBytes);
  const dispatch = async (
    target: Operation,
    params: Record<string, string>,
    query: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> => {
    if (target !== 'ops') {
      // Who asks, before anything of the request is read (docs/security.md).
      const principal = await access.authorize(req, res, target.spec.scope, '');
      if (principal === undefined) return;
      const body = await readBody(req, res);
      const request = requestFor(target, params, query, body);
      // With no path parameters, a POST or PUT request is the body itself.
      const asReceived =
        target.layout.body && target.layout.path.length === 0 && body.json ? body.utf8 : undefined;
      await call(rpc, target.spec.name, request, asReceived, principal.id, res);
      return;
    }
    const name = params.operation ?? '';
    const known = catalog.isOperation(name) && catalog.operation(name).exposed;
    // An unknown name needs a caller too: no probing the catalog anonymously.
    const principal = await access.authorize(
      req,
      res,
      known ? catalog.operation(name).scope : undefined,
      '',
    );
    if (principal === undefined) return;
    if (!known) {
      sendError(
        res,
        notFound(`no operation ${name}`, { reason: 'unknown_operation', operation: name }),
      );
      return;
    }
    const body = await readBody(req, res);
    await call(rpc, name, jsonBody(body), body.json ? body.utf8 : undefined, principal.id, res);
  };
  const fail = (res: ServerResponse, error: unknown): void => {
    const answer = toHttpError(error, logger);
    // Too late for a status: end the exchange instead of leaving the client waiting.
    if (res.headersSent) res.destroy();
    else sendError(res, answer);
  };
  return (req, res) => {
    const target = requestTarget(req.url ?? '');
    if (target === undefined) return false;
    let found;
    try {
      found = routes.match(req.method ?? '', target.pathname);
    } catch (error) {
      fail(res, error);
      return true;
    }
    if (found === undefined) {
      const allowed = routes.methodsAt(target.pathname);
      if (allowed.length === 0) return false;
      answerOtherMethod(res, req.method ?? '', target.pathname, allowed);
      return true;
    }
    recordHttpRoute(found.target.route);
    dispatch(found.target.operation, found.params, target.query, req, res).catch((error: unknown) =>
      fail(res, error),
    );
    return true;
  };
}

/**
 * The path and query string of a request target: raw for the origin form
 * (`/path?query`, as express's parseurl reads it), as WHATWG URL normalizes
 * them for an absolute URL (rare: proxies); undefined for anything else
 * (`*`, garbage), which is then no operation's.
 */
function requestTarget(url: string): { pathname: string; query: string } | undefined {
  if (url.charCodeAt(0) === 0x2f) {
    const at = url.indexOf('?');
    return at < 0
      ? { pathname: url, query: '' }
      : { pathname: url.slice(0, at), query: url.slice(at + 1) };
  }
  try {
    const parsed = new URL(url);
    return { pathname: parsed.pathname, query: parsed.search.slice(1) };
  } catch {
    return undefined;
  }
}

/** Calls the operation for `principal`; `asReceived`: the body's bytes, when they are exactly `request` (sent as they are). */
async function call(
  rpc: RpcClient,
  operation: OperationName,
  request: unknown,
  asReceived: Uint8Array | undefined,
  principal: string,
  res: ServerResponse,
): Promise<void> {
  const requestId = requestIdOf(res);
  const result = await rpc.callForwarding(operation, request, {
    requestId,
    principal,
    ...(asReceived && { encodedRequest: asReceived }),
  });
  // The service's JSON as it is: what res.json would have sent, without a decode and an encode.
  // (A HEAD request gets the headers only: node's response omits the body.)
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': result.byteLength,
  });
  res.end(result);
}

/** Path and query values, read as their fields' schema types them. */
function fromStrings(
  values: Record<string, string | string[] | undefined>,
  readers: Map<string, FieldReader>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const read = readers.get(name);
    out[name] = read === undefined ? value : read(value);
  }
  return out;
}

/** The operation's request: path parameters, plus the JSON body (POST/PUT) or the query string (GET/DELETE). */
function requestFor(
  operation: Exclude<Operation, 'ops'>,
  pathParams: Record<string, string>,
  query: string,
  jsonOrNot: JsonBody,
): unknown {
  const params = fromStrings(pathParams, operation.readers);
  if (!operation.layout.body) {
    // querystring.parse: what express's 'simple' query parser used (a repeated key is an array).
    return { ...fromStrings(parseQuery(query), operation.readers), ...params };
  }
  const body = jsonBody(jsonOrNot);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  for (const [key, value] of Object.entries(params)) {
    const inBody = (body as Record<string, unknown>)[key];
    if (inBody !== undefined && inBody !== value) {
      throw invalidArgument(
        `/${key}`,
        'path_body_mismatch',
        `/${key}: differs between the path and the body`,
      );
    }
  }
  return { ...(body as Record<string, unknown>), ...params };
}

function jsonBody(body: JsonBody): unknown {
  if (!body.json) throw unsupportedMediaType();
  return body.value;
}
