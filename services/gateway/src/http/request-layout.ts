import type { OperationSpec } from '@crucible/contracts';

/**
 * Where the fields of an operation's request travel over HTTP. The router
 * reads requests by it, and the OpenAPI document and docs/api.md describe
 * it, so the three cannot disagree.
 */
export interface RequestLayout {
  /** Path parameters, in the order of the path template. */
  readonly path: readonly string[];
  /** GET and DELETE: every other top-level field of the request schema. */
  readonly query: readonly string[];
  /**
   * POST and PUT: the JSON body is the request, less the path parameters
   * (which it may repeat, with the same value).
   */
  readonly body: boolean;
}

/** The parameter names of a path template, e.g. `['name']` for `/v1/names/{name}/history`. */
export function pathParameters(path: string): string[] {
  return [...path.matchAll(/\{([a-z_]+)\}/g)].map((match) => match[1] ?? '');
}

export function requestLayout(
  spec: Pick<OperationSpec, 'http'>,
  requestSchema: Record<string, unknown>,
): RequestLayout {
  const path = pathParameters(spec.http.path);
  const body = spec.http.method === 'POST' || spec.http.method === 'PUT';
  const fields = Object.keys((requestSchema.properties as object | undefined) ?? {});
  return { path, query: body ? [] : fields.filter((f) => !path.includes(f)), body };
}

/** A request split the way `layout` carries it (for examples in the docs). */
export interface HttpRequestParts {
  readonly path: Record<string, unknown>;
  readonly query: Record<string, unknown>;
  /** The JSON body; undefined for GET and DELETE. */
  readonly body: Record<string, unknown> | undefined;
}

export function splitRequest(
  layout: RequestLayout,
  request: Record<string, unknown>,
): HttpRequestParts {
  const pick = (keep: (field: string) => boolean) =>
    Object.fromEntries(Object.entries(request).filter(([field]) => keep(field)));
  return {
    path: pick((f) => layout.path.includes(f)),
    query: layout.body ? {} : pick((f) => !layout.path.includes(f)),
    body: layout.body ? pick((f) => !layout.path.includes(f)) : undefined,
  };
}
