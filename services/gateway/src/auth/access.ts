import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  OPERATION_SCOPES,
  isCrucibleError,
  permissionDenied,
  resourceExhausted,
  scopeGrants,
  type CrucibleError,
  type OperationScope,
} from '@crucible/contracts';
import type { GatewaySettings } from '../config';
import { sendError } from '../http/errors';
import type { Authenticator } from './authenticator';
import type { Principal } from './principal';
import { RateLimiter } from './rate-limit';

/** Where the protected resource metadata (RFC 9728) of the gateway lives; `/mcp` is appended for the MCP endpoint's. */
export const RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** Which protected resource a request is for: the HTTP API (`''`) or the MCP endpoint (`'/mcp'`). */
export type ResourcePath = '' | '/mcp';

/**
 * The gateway's access rules, in the order they apply (docs/security.md):
 * the Host and Origin a request names, then its bearer token, the scope its
 * operation needs, and the principal's request rate. Each refusal is
 * answered here with the wire error and the headers HTTP and the MCP
 * authorization rules ask for (WWW-Authenticate, Retry-After).
 */
export class AccessControl {
  private readonly limiter: RateLimiter;
  private readonly anyHost: boolean;
  private readonly hosts: ReadonlySet<string>;
  private readonly anyOrigin: boolean;

  constructor(
    private readonly settings: Pick<
      GatewaySettings,
      'allowedHosts' | 'allowedOrigins' | 'rateLimit' | 'auth'
    >,
    private readonly authenticator: Authenticator,
  ) {
    this.limiter = new RateLimiter(settings.rateLimit);
    this.anyHost = settings.allowedHosts.includes('*');
    this.hosts = new Set(settings.allowedHosts);
    this.anyOrigin = settings.allowedOrigins.includes('*');
  }

  /**
   * Whether the request's Host and Origin are allowed; answers 403 when not.
   * A page on another site, or one reached through a rebound DNS name, cannot
   * use a browser to reach a gateway listening on loopback.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    const host = hostName(req.headers.host);
    if (!this.anyHost && (host === undefined || !this.hosts.has(host))) {
      sendError(
        res,
        permissionDenied(
          'host_not_allowed',
          `Host ${JSON.stringify(req.headers.host ?? '')} is not served here (ALLOWED_HOSTS)`,
        ),
      );
      return false;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.anyOrigin && !this.originAllowed(origin)) {
      sendError(
        res,
        permissionDenied(
          'origin_not_allowed',
          `Origin ${JSON.stringify(origin)} may not call this gateway (ALLOWED_ORIGINS)`,
        ),
      );
      return false;
    }
    return true;
  }

  private originAllowed(origin: string): boolean {
    const normalized = origin.toLowerCase();
    if (this.settings.allowedOrigins.length > 0)
      return this.settings.allowedOrigins.includes(normalized);
    // Default: pages served from this machine only.
    return /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/.test(normalized);
  }

  /**
   * The authenticated principal of a request allowed `scope` (undefined: any
   * authenticated caller), within its rate; or undefined after answering
   * 401, 403 or 429.
   */
  async authorize(
    req: IncomingMessage,
    res: ServerResponse,
    scope: OperationScope | undefined,
    resource: ResourcePath,
  ): Promise<Principal | undefined> {
    let principal: Principal;
    try {
      principal = await this.authenticator.authenticate(req);
    } catch (error) {
      if (!isCrucibleError(error)) throw error;
      this.refuse(req, res, error, resource);
      return undefined;
    }
    if (scope !== undefined && !scopeGrants(principal.scopes, scope)) {
      this.refuse(req, res, insufficientScope(scope), resource);
      return undefined;
    }
    const retryAfter = this.limiter.take(principal.id);
    if (retryAfter !== undefined) {
      res.setHeader('retry-after', String(retryAfter));
      sendError(
        res,
        resourceExhausted(
          `too many requests from ${principal.id}; retry after ${retryAfter} s`,
          retryAfter,
        ),
      );
      return undefined;
    }
    return principal;
  }

  /** Answers an authentication or scope refusal with its challenge (RFC 6750, MCP authorization). */
  refuse(
    req: IncomingMessage,
    res: ServerResponse,
    error: CrucibleError,
    resource: ResourcePath,
  ): void {
    if (error.code === 'unauthenticated' || error.code === 'permission_denied')
      res.setHeader('www-authenticate', this.challenge(req, error, resource));
    sendError(res, error);
  }

  private challenge(req: IncomingMessage, error: CrucibleError, resource: ResourcePath): string {
    const params = [
      'realm="crucible"',
      `resource_metadata="${this.baseUrl(req)}${RESOURCE_METADATA_PATH}${resource}"`,
    ];
    const reason = error.details.reason;
    // RFC 6750 3.1: no error code when the request carried no token at all.
    if (reason === 'invalid_token' || reason === 'expired_token')
      params.push('error="invalid_token"', `error_description="${quoted(error.message)}"`);
    if (reason === 'insufficient_scope')
      params.push(
        'error="insufficient_scope"',
        `scope="${String(error.details.required_scope)}"`,
        `error_description="${quoted(error.message)}"`,
      );
    return `Bearer ${params.join(', ')}`;
  }

  /** The gateway's URL as the client reached it (CRUCIBLE_PUBLIC_URL, else the allowed Host it sent). */
  baseUrl(req: IncomingMessage): string {
    return this.settings.auth.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
  }

  /** The protected resource metadata (RFC 9728) of the API (`''`) or the MCP endpoint. */
  resourceMetadata(req: IncomingMessage, resource: ResourcePath): Record<string, unknown> {
    const servers = this.settings.auth.authorizationServers;
    return {
      resource: `${this.baseUrl(req)}${resource}`,
      ...(servers.length > 0 && { authorization_servers: servers }),
      scopes_supported: OPERATION_SCOPES,
      bearer_methods_supported: ['header'],
      resource_name: 'Crucible',
      resource_documentation: `${this.baseUrl(req)}/`,
    };
  }
}

export function insufficientScope(scope: OperationScope): CrucibleError {
  return permissionDenied('insufficient_scope', `this operation needs the ${scope} scope`, {
    required_scope: scope,
  });
}

/** The host name of a Host header, lowercase, without port or IPv6 brackets. */
function hostName(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/i.exec(header.trim());
  return match?.[1]!.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

function quoted(text: string): string {
  return text.replace(/["\\]/g, "'");
}
