import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import {
  bundleSchema,
  invalidArgument,
  notFound,
  type Catalog,
  type OperationName,
  type OperationSpec,
} from '@crucible/contracts';
import type { RpcClient } from '@crucible/messaging';
import { sendError } from './errors';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id of an HTTP request: the caller's X-Request-Id when sane, else a new one. */
export function requestIdOf(req: Request): string {
  const given = req.get('x-request-id');
  return given !== undefined && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * One HTTP route per catalog operation (method and path from the catalog),
 * plus `POST /v1/ops/{operation}` taking the request as the body. Requests are
 * validated against the operation's schema before they leave (RpcClient).
 */
export function operationRoutes(catalog: Catalog, rpc: RpcClient): Router {
  const router = Router();
  for (const spec of catalog.exposedOperations()) {
    const path = spec.http.path.replace(/\{([a-z_]+)\}/g, ':$1');
    const types = fieldTypes(bundleSchema(catalog.registry, spec.request));
    const handler = async (req: Request, res: Response): Promise<void> => {
      await call(rpc, spec.name, requestFor(spec, types, req), req, res);
    };
    switch (spec.http.method) {
      case 'GET':
        router.get(path, handler);
        break;
      case 'POST':
        router.post(path, handler);
        break;
      case 'PUT':
        router.put(path, handler);
        break;
      case 'DELETE':
        router.delete(path, handler);
        break;
    }
  }
  router.post('/v1/ops/:operation', async (req, res) => {
    const name = req.params.operation ?? '';
    if (!catalog.isOperation(name) || !catalog.operation(name).exposed) {
      sendError(
        res,
        notFound(`no operation ${name}`, { reason: 'unknown_operation', operation: name }),
      );
      return;
    }
    await call(rpc, name, jsonBody(req), req, res);
  });
  return router;
}

async function call(
  rpc: RpcClient,
  operation: OperationName,
  request: unknown,
  req: Request,
  res: Response,
): Promise<void> {
  const requestId = requestIdOf(req);
  res.setHeader('x-request-id', requestId);
  const reply = await rpc.callUnchecked(operation, request, { requestId });
  res.status(200).json(reply);
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
function requestFor(spec: OperationSpec, types: Map<string, string>, req: Request): unknown {
  const params = fromStrings({ ...(req.params as Record<string, string>) }, types);
  if (spec.http.method === 'GET' || spec.http.method === 'DELETE') {
    return { ...fromStrings(req.query, types), ...params };
  }
  const body = jsonBody(req);
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

function jsonBody(req: Request): unknown {
  if (!req.is('application/json')) {
    throw invalidArgument(
      '',
      'unsupported_media_type',
      'send the request body as application/json',
    );
  }
  return req.body as unknown;
}
