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
import { recordHttpRoute, type Logger } from '@crucible/telemetry';
import { sendError, toHttpError } from './errors';
import { jsonBodyReader, type JsonBody } from './json-body';
import { RouteTable } from './route-table';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id of an HTTP request: the caller's X-Request-Id when sane, else a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** An operation (with its fields' JSON types), or `/v1/ops/{operation}`. */
type Operation = { spec: OperationSpec; types: Map<string, string> } | 'ops';

/** What a route leads to; `route` names it in traces. */
interface Target {
  readonly route: string;
  readonly operation: Operation;
}

const OPS_PATH = '/v1/ops/{operation}';

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
 * Everything else (health, readiness, OpenAPI, MCP, unknown routes) is the
 * express app's.
 */
export function operationRouter(
  catalog: Catalog,
  rpc: RpcClient,
  bodyLimitBytes: number,
  logger: Logger,
): OperationRouter {
  const routes = new RouteTable<Target>([
    ...catalog.exposedOperations().map((spec) => ({
      method: spec.http.method,
      path: spec.http.path,
      target: {
        route: expressRoute(spec.http.path),
        operation: { spec, types: fieldTypes(bundleSchema(catalog.registry, spec.request)) },
      },
    })),
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
    const body = await readBody(req, res);
    if (target !== 'ops') {
      const request = requestFor(target.spec, target.types, params, query, body);
      // With no path parameters, a POST or PUT request is the body itself.
      const asReceived =
        hasBody(target.spec) && Object.keys(params).length === 0 && body.json
          ? body.utf8
          : undefined;
      await call(rpc, target.spec.name, request, asReceived, req, res);
      return;
    }
    const name = params.operation ?? '';
    if (!catalog.isOperation(name) || !catalog.operation(name).exposed) {
      sendError(
        res,
        notFound(`no operation ${name}`, { reason: 'unknown_operation', operation: name }),
      );
      return;
    }
    await call(rpc, name, jsonBody(body), body.json ? body.utf8 : undefined, req, res);
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
    if (found === undefined) return false;
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

/** Calls the operation; `asReceived`: the body's bytes, when they are exactly `request` (sent as they are). */
async function call(
  rpc: RpcClient,
  operation: OperationName,
  request: unknown,
  asReceived: Uint8Array | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const requestId = requestIdOf(req);
  res.setHeader('x-request-id', requestId);
  const result = await rpc.callForwarding(operation, request, {
    requestId,
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

function hasBody(spec: OperationSpec): boolean {
  return spec.http.method === 'POST' || spec.http.method === 'PUT';
}

/** The JSON type of each top-level request field, for reading path and query strings. */
function fieldTypes(schema: Record<string, unknown>): Map<string, string> {
  const types = new Map<string, string>();
  const properties = (schema.properties ?? {}) as Record<string, { type?: unknown }>;
  for (const [name, property] of Object.entries(properties)) {
    if (typeof property.type === 'string') types.set(name, property.type);
  }
  return types;
}

/**
 * Path and query values arrive as strings; a field the schema types as an
 * integer, number or boolean is read as one when it is spelled as one (else
 * it stays a string and the schema check names it).
 */
function fromStrings(
  values: Record<string, unknown>,
  types: Map<string, string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(values)) {
    const type = types.get(name);
    if (typeof value !== 'string') out[name] = value;
    else if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(value))
      out[name] = Number(value);
    else if (type === 'boolean' && (value === 'true' || value === 'false'))
      out[name] = value === 'true';
    else out[name] = value;
  }
  return out;
}

/** The operation's request: path parameters, plus the JSON body (POST/PUT) or the query string (GET/DELETE). */
function requestFor(
  spec: OperationSpec,
  types: Map<string, string>,
  pathParams: Record<string, string>,
  query: string,
  jsonOrNot: JsonBody,
): unknown {
  const params = fromStrings(pathParams, types);
  if (spec.http.method === 'GET' || spec.http.method === 'DELETE') {
    // querystring.parse: what express's 'simple' query parser used (a repeated key is an array).
    return { ...fromStrings(parseQuery(query), types), ...params };
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
  if (!body.json) {
    throw invalidArgument(
      '',
      'unsupported_media_type',
      'send the request body as application/json',
    );
  }
  return body.value;
}
