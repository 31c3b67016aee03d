import { invalidArgument, type HttpMethod } from '@crucible/contracts';

/** A route: its method, its path split into segments (`{name}` for a parameter), and what it leads to. */
export interface RouteSpec<T> {
  readonly method: HttpMethod;
  /** e.g. `/v1/components/environments/{hash}` */
  readonly path: string;
  readonly target: T;
}

export interface RouteMatch<T> {
  readonly target: T;
  /** Path parameters, percent-decoded. */
  readonly params: Record<string, string>;
}

interface Route<T> {
  /** Lowercase static segment, or null for a parameter. */
  readonly segments: ReadonlyArray<string | null>;
  readonly names: ReadonlyArray<string | null>;
  readonly target: T;
}

/**
 * Matches request paths against a fixed set of routes the way express's
 * router does for these paths (case-insensitive, one optional trailing
 * slash, a parameter is one non-empty segment, percent-decoded; HEAD is
 * answered by GET), by method and segment count instead of one regular
 * expression per route and request.
 */
export class RouteTable<T> {
  private readonly routes = new Map<string, Array<Route<T>>>();
  private readonly methods = new Set<HttpMethod>();

  constructor(specs: Iterable<RouteSpec<T>>) {
    for (const spec of specs) {
      this.methods.add(spec.method);
      const parts = spec.path.split('/').slice(1);
      const route: Route<T> = {
        segments: parts.map((part) => (isParameter(part) ? null : part.toLowerCase())),
        names: parts.map((part) => (isParameter(part) ? part.slice(1, -1) : null)),
        target: spec.target,
      };
      const key = `${spec.method} ${parts.length}`;
      this.routes.set(key, [...(this.routes.get(key) ?? []), route]);
    }
  }

  /**
   * The first route (in the order given) matching `method` and `pathname`
   * (the raw path, without the query string). A parameter that is not valid
   * percent-encoding is invalid_argument (`malformed_percent_encoding`) at
   * the parameter's path, as a request field.
   */
  match(method: string, pathname: string): RouteMatch<T> | undefined {
    const parts = segmentsOf(pathname);
    if (parts === undefined) return undefined;
    const route = this.find(method === 'HEAD' ? 'GET' : method, parts);
    if (route === undefined) return undefined;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      if (name !== null) params[name] = decodeParam(name, parts[i] ?? '');
    });
    return { target: route.target, params };
  }

  /**
   * The methods some route serves at `pathname` (HEAD with GET), sorted; empty
   * when no route has this path. For 405 answers and their Allow header.
   */
  methodsAt(pathname: string): string[] {
    const parts = segmentsOf(pathname);
    if (parts === undefined) return [];
    const found: string[] = [];
    for (const method of this.methods) {
      if (this.find(method, parts) === undefined) continue;
      found.push(method);
      if (method === 'GET') found.push('HEAD');
    }
    return found.sort();
  }

  private find(method: string, parts: readonly string[]): Route<T> | undefined {
    const candidates = this.routes.get(`${method} ${parts.length}`);
    return candidates?.find((route) => matches(route, parts));
  }
}

/** The segments of a raw path, without one trailing slash; undefined without a leading slash. */
function segmentsOf(pathname: string): string[] | undefined {
  if (pathname.charCodeAt(0) !== 0x2f) return undefined;
  const parts = pathname.split('/');
  parts.shift();
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function isParameter(part: string): boolean {
  return part.startsWith('{') && part.endsWith('}');
}

function matches<T>(route: Route<T>, parts: readonly string[]): boolean {
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    const segment = route.segments[i];
    if (segment === null ? part === '' : part.toLowerCase() !== segment) return false;
  }
  return true;
}

/** Percent-decoded; a malformed escape (`%zz`, a lone `%`, invalid UTF-8) is the caller's error. */
function decodeParam(name: string, value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch (error) {
    if (!(error instanceof URIError)) throw error;
    throw invalidArgument(
      `/${name}`,
      'malformed_percent_encoding',
      `/${name}: '${value}' is not valid percent-encoded UTF-8`,
    );
  }
}
