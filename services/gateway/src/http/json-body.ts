import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { invalidArgument } from '@crucible/contracts';
import { malformedJson } from './errors';

/**
 * What a request carried: a JSON body, or none that is JSON (no body, or
 * another media type). `utf8` is the body as received when it is UTF-8 JSON
 * whose decoding is exactly `value` (read on the common path, below).
 */
export type JsonBody =
  | { readonly json: true; readonly value: unknown; readonly utf8?: Uint8Array }
  | { readonly json: false };

/**
 * Reads request bodies the way `express.json({ strict: true })` with a UTF-8
 * check did: a JSON object or array, over the limit is 413, invalid UTF-8 is
 * `invalid_utf8`, bad JSON is `malformed_json`. No body at all (no framing, or
 * `Content-Length: 0`, whatever the media type) is `{}`: an operation whose
 * fields are all optional needs none (docs/api.md).
 *
 * The common request (`application/json`, a Content-Length within the limit,
 * no Content-Encoding) is read directly: body-parser, raw-body, iconv and
 * type-is cost about 8% of the gateway's CPU per put (measured). Anything
 * else (other JSON media types and charsets, compressed or chunked bodies,
 * bodies over the limit) goes through express.json itself, unchanged.
 */
export function jsonBodyReader(
  limitBytes: number,
): (req: IncomingMessage, res: ServerResponse) => Promise<JsonBody> {
  const parser = expressJsonParser(limitBytes);
  const general = (req: IncomingMessage, res: ServerResponse): Promise<JsonBody> =>
    new Promise((resolve, reject) => {
      // body-parser only reads the node request (headers, stream) and sets
      // req.body; it calls next() or next(error) with an http-errors Error.
      const parsed = req as IncomingMessage & { body?: unknown };
      parser(parsed as Request, res as Response, (error?: unknown) => {
        if (error instanceof Error) reject(error);
        else if (parsed.body !== undefined && mediaType(req) === 'application/json')
          resolve({ json: true, value: parsed.body });
        else resolve({ json: false });
      });
    });
  return (req, res) => {
    // As type-is decides for body-parser: no Transfer-Encoding and no numeric Content-Length, no body.
    const { headers } = req;
    if (headers['transfer-encoding'] === undefined) {
      const declared = Number(headers['content-length']);
      if (isNaN(declared) || declared === 0) return Promise.resolve({ json: true, value: {} });
    }
    const length = plainJsonLength(req);
    return length === undefined || length > limitBytes ? general(req, res) : readPlain(req);
  };
}

/** The request's media type, lowercase, without parameters (`application/json`). */
function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
}

async function readPlain(req: IncomingMessage): Promise<JsonBody> {
  const utf8 = await readAll(req);
  const value = parseStrict(utf8);
  // An empty body reads as {} (as body-parser does): its bytes are not that JSON.
  return utf8.byteLength === 0 ? { json: true, value } : { json: true, value, utf8 };
}

/**
 * express.json as the gateway configures it; strict: only objects and arrays
 * at the top level (the schemas decide the rest).
 */
export function expressJsonParser(limitBytes: number): RequestHandler {
  return express.json({
    limit: limitBytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
    // Invalid UTF-8 would be decoded with replacement characters, silently
    // changing what gets stored and hashed: refuse it instead.
    verify: (_req, _res, body) => {
      if (!isUtf8(body)) throw notUtf8();
    },
  });
}

const PLAIN_JSON = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** The Content-Length of a plain (identity-encoded, UTF-8) application/json body, else undefined. */
function plainJsonLength(req: IncomingMessage): number | undefined {
  const { headers } = req;
  const type = headers['content-type'];
  const length = headers['content-length'];
  if (type === undefined || length === undefined || headers['transfer-encoding'] !== undefined)
    return undefined;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return undefined;
  if (!/^\d+$/.test(length) || !PLAIN_JSON.test(type)) return undefined;
  return Number(length);
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
    };
    const onAborted = (): void => {
      cleanup();
      reject(
        invalidArgument('', 'request_aborted', 'the request body was not received completely'),
      );
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('aborted', onAborted);
      req.off('error', onError);
      req.off('end', onEnd);
    };
    req.on('data', onData);
    req.on('aborted', onAborted);
    req.on('error', onError);
    req.on('end', onEnd);
  });
}

// JSON's whitespace (RFC 8259), then the first other character, as body-parser finds it.
// eslint-disable-next-line no-control-regex -- tab, LF and CR are JSON whitespace
const FIRST_NON_WHITESPACE = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/;

function parseStrict(body: Buffer): unknown {
  if (!isUtf8(body)) throw notUtf8();
  let text = body.toString('utf8');
  // iconv-lite, which express.json decodes with, drops a byte order mark.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) return {};
  const first = FIRST_NON_WHITESPACE.exec(text)?.[1] ?? '';
  if (first !== '{' && first !== '[')
    throw malformedJson('the top level must be an object or an array');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw malformedJson((error as Error).message);
  }
}

function notUtf8(): Error {
  return invalidArgument('', 'invalid_utf8', 'request body is not valid UTF-8');
}
