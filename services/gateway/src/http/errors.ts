import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import {
  CrucibleError,
  httpStatusFor,
  internal,
  invalidArgument,
  notFound,
  payloadTooLarge,
  toCrucibleError,
  type ErrorCode,
} from '@crucible/contracts';
import type { Logger } from '@crucible/telemetry';

/** The gateway's own refusals that HTTP has a more precise status for than their code's. */
const REFUSAL_STATUSES: ReadonlyMap<string, { code: ErrorCode; status: number }> = new Map([
  ['unsupported_media_type', { code: 'invalid_argument', status: 415 }],
  ['unsupported_encoding', { code: 'invalid_argument', status: 415 }],
  ['method_not_allowed', { code: 'not_found', status: 405 }],
  ['body_timeout', { code: 'invalid_argument', status: 408 }],
]);

/**
 * The HTTP status of a wire error: its code's, except for the refusals above
 * (the body stays the wire error; clients check `code` and `details.reason`).
 */
export function httpStatusOf(error: CrucibleError): number {
  const refusal = REFUSAL_STATUSES.get(error.details.reason ?? '');
  return refusal?.code === error.code ? refusal.status : httpStatusFor(error.code);
}

/** Writes a CrucibleError as `{ "error": WireError }` with its HTTP status (as express's res.json would). */
export function sendError(res: ServerResponse, error: CrucibleError): void {
  const body = Buffer.from(JSON.stringify({ error: error.toWire() }));
  res.statusCode = httpStatusOf(error);
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', body.byteLength);
  res.end(body);
}

/** A request body that is not JSON (or not an object or array at the top level). */
export function malformedJson(parserMessage: string): CrucibleError {
  return invalidArgument('', 'malformed_json', `request body is not valid JSON: ${parserMessage}`);
}

/** A body that is not JSON (415). */
export function unsupportedMediaType(): CrucibleError {
  return invalidArgument('', 'unsupported_media_type', 'send the request body as application/json');
}

/**
 * A known path asked with a method it does not serve: 405 with `Allow`, or
 * for OPTIONS, 204 with `Allow` (the methods it does serve).
 */
export function answerOtherMethod(
  res: ServerResponse,
  method: string,
  path: string,
  allowed: readonly string[],
): void {
  const methods = [...allowed, 'OPTIONS'];
  const allow = methods.join(', ');
  res.setHeader('allow', allow);
  if (method === 'OPTIONS') {
    res.statusCode = 204;
    res.end();
    return;
  }
  sendError(
    res,
    notFound(`${path} does not take ${method}; it takes ${allow}`, {
      reason: 'method_not_allowed',
      method,
      allow: methods,
    }),
  );
}

/** Express handler for a known path's other methods (see answerOtherMethod). */
export function otherMethods(allowed: readonly string[]): RequestHandler {
  return (req, res) => answerOtherMethod(res, req.method, req.path, allowed);
}

/** Unknown routes: a structured 404, never express's HTML page. */
export const unknownRoute: RequestHandler = (req, res) => {
  sendError(res, notFound(`no route ${req.method} ${req.path}`, { reason: 'unknown_route' }));
};

/** The last middleware of the express app: answers what went wrong with `toHttpError`. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    sendError(res, toHttpError(error, logger));
  };
}

/**
 * What a failed request is answered with: body-parser failures become
 * 400/413 with a reason, CrucibleErrors keep their code, other client errors
 * that express reports are 400, and anything else is a bug, logged and
 * answered as a generic `internal`.
 */
export function toHttpError(error: unknown, logger: Logger): CrucibleError {
  if (error instanceof CrucibleError) return error;
  const type = (error as { type?: unknown }).type;
  switch (type) {
    case 'entity.parse.failed':
      return malformedJson((error as Error).message);
    case 'entity.too.large': {
      const e = error as { limit?: number; length?: number };
      return payloadTooLarge(e.limit ?? 0, e.length ?? 0);
    }
    case 'encoding.unsupported':
      return invalidArgument(
        '',
        'unsupported_encoding',
        `request body: ${(error as Error).message}`,
      );
    case 'charset.unsupported':
      return invalidArgument('', 'unsupported_encoding', 'request body must be UTF-8 JSON');
    case 'request.aborted':
      return invalidArgument('', 'request_aborted', 'the request body was not received completely');
    default: {
      // Any other client error express or body-parser reports (http-errors with a 4xx status).
      const status = (error as { status?: unknown }).status;
      if (typeof status === 'number' && status >= 400 && status < 500 && status !== 413) {
        return invalidArgument('', 'bad_request', (error as Error).message);
      }
      const converted = toCrucibleError(error);
      if (converted.code === 'internal') logger.error('unhandled gateway error', { error });
      return converted.code === 'internal' ? internal() : converted;
    }
  }
}
