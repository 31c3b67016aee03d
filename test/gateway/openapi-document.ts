import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

/** One operation of an OpenAPI document: where it is and what the document says of it. */
export interface DocumentedOperation {
  readonly path: string;
  readonly method: string;
  readonly operation: Json;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Every operation of the document, in document order. */
export function documentedOperations(document: Json): DocumentedOperation[] {
  return Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => ({
      path,
      method,
      operation: item[method] as Json,
    })),
  );
}

/**
 * Reads an OpenAPI document as a client would: follows `$ref`s to its
 * components, and checks values against its schemas (JSON Schema 2020-12,
 * OpenAPI 3.1's dialect, with ajv).
 */
export class OpenApiReader {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: Json) {
    addFormats(this.ajv);
    // The component schemas under one id, so `$ref`s into them resolve.
    this.ajv.addSchema({
      $id: 'https://openapi.test/document.json',
      $defs: this.rewriteRefs(document.components?.schemas ?? {}),
    });
  }

  /** A `{ $ref: '#/components/...' }` object's target (or the object itself). */
  resolve(value: Json): Json {
    let current = value;
    while (typeof current.$ref === 'string') {
      const pointer = current.$ref.replace(/^#\//, '').split('/');
      current = pointer.reduce<Json>((node, token) => node[token] as Json, this.document);
    }
    return current;
  }

  /** Errors of `value` against `schema` (a schema of this document); [] when it is valid. */
  check(schema: Json, value: unknown): string[] {
    const key = JSON.stringify(schema);
    let validate = this.compiled.get(key);
    if (validate === undefined) {
      validate = this.ajv.compile(this.rewriteRefs(schema));
      this.compiled.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  }

  private rewriteRefs(value: unknown): any {
    if (Array.isArray(value)) return value.map((item) => this.rewriteRefs(item));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) =>
        k === '$ref' && typeof v === 'string'
          ? [k, v.replace('#/components/schemas/', 'https://openapi.test/document.json#/$defs/')]
          : [k, this.rewriteRefs(v)],
      ),
    );
  }
}

/** A request as the document describes it: path and query parameters and body from its examples. */
export interface DocumentedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1/names/latest?at=...`. */
  readonly target: string;
  readonly body: unknown;
}

/**
 * The request an operation's examples make: every parameter in the place
 * its `in` says, serialized as its `style` (form, the default: a repeated
 * key for arrays) or its `content` (JSON text), and the body example.
 * Throws when a required parameter or body has no example. `substitute`
 * maps each example before it is sent.
 */
export function documentedRequest(
  reader: OpenApiReader,
  documented: DocumentedOperation,
  substitute: (example: unknown) => unknown = (example) => example,
): DocumentedRequest {
  const { operation } = documented;
  let path = documented.path;
  const query: string[] = [];
  for (const ref of (operation.parameters ?? []) as Json[]) {
    const parameter = reader.resolve(ref);
    const value = substitute(parameter.example);
    if (value === undefined) {
      if (parameter.required)
        throw new Error(`${operation.operationId}: ${parameter.name} has no example`);
      continue;
    }
    const text = (one: unknown): string =>
      parameter.content !== undefined ? JSON.stringify(one) : String(one);
    switch (parameter.in) {
      case 'path':
        path = path.replace(`{${parameter.name}}`, encodeURIComponent(text(value)));
        break;
      case 'query':
        for (const one of Array.isArray(value) && parameter.content === undefined
          ? value
          : [value]) {
          query.push(`${encodeURIComponent(parameter.name)}=${encodeURIComponent(text(one))}`);
        }
        break;
      default:
        throw new Error(`${operation.operationId}: a ${parameter.in} parameter with an example`);
    }
  }
  const body = substitute(operation.requestBody?.content?.['application/json']?.example);
  if (operation.requestBody?.required && body === undefined) {
    throw new Error(`${operation.operationId}: a required body without an example`);
  }
  return {
    method: documented.method.toUpperCase(),
    target: `${path}${query.length > 0 ? `?${query.join('&')}` : ''}`,
    body,
  };
}
