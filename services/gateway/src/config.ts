import {
  EnvReader,
  readCommonEnv,
  readNatsCredentials,
  type CommonEnv,
  type NatsCredentials,
} from '@crucible/runtime';

/** Where the gateway's credentials come from (docs/security.md); at least one must be set. */
export interface AuthSettings {
  /**
   * CRUCIBLE_ADMIN_TOKEN: a bearer token granting every scope, as principal
   * `admin` (`npm start` generates one into the data folder when unset).
   * Kept only as its SHA-256 once read.
   */
  readonly adminToken: string | undefined;
  /** CRUCIBLE_API_KEYS_FILE: JSON file of API keys, stored as SHA-256 hashes (re-read when it changes). */
  readonly apiKeysFile: string | undefined;
  /** JWTs from an identity provider: CRUCIBLE_JWKS_URL or CRUCIBLE_JWKS_FILE, with issuer and audience. */
  readonly jwt: JwtSettings | undefined;
  /**
   * CRUCIBLE_AUTHORIZATION_SERVERS: issuers listed in the protected resource
   * metadata for OAuth clients (MCP); default: the JWT issuer, if any.
   */
  readonly authorizationServers: readonly string[];
  /**
   * CRUCIBLE_PUBLIC_URL: the gateway's URL as clients reach it (behind a proxy),
   * used in the protected resource metadata; default: from the request's Host.
   */
  readonly publicUrl: string | undefined;
}

export interface JwtSettings {
  /** CRUCIBLE_JWKS_URL: the identity provider's key set (fetched, cached, refetched for a new key id). */
  readonly jwksUrl: string | undefined;
  /** CRUCIBLE_JWKS_FILE: a key set in a file, for a provider without a JWKS endpoint. */
  readonly jwksFile: string | undefined;
  /** CRUCIBLE_JWT_ISSUER: the `iss` every token must carry. */
  readonly issuer: string;
  /** CRUCIBLE_JWT_AUDIENCE: the `aud` every token must carry (tokens issued for this gateway only). */
  readonly audience: string;
}

/** Per-principal request rate (a token bucket: `perMinute` refill, `burst` capacity). */
export interface RateLimitSettings {
  /** RATE_LIMIT_PER_MINUTE: sustained requests per principal per minute (default 1200; 0: no limit). */
  readonly perMinute: number;
  /** RATE_LIMIT_BURST: requests a principal may send at once above the rate (default 200). */
  readonly burst: number;
}

/** The gateway's own settings, read once at start by its process and by the all-in-one platform alike. */
export interface GatewaySettings {
  /** PORT: HTTP port (default 8080). */
  readonly port: number;
  /** HOST: interface to listen on (default 127.0.0.1; set 0.0.0.0 to serve other machines). */
  readonly host: string;
  /** REQUEST_TIMEOUT_MS: how long to wait for a service before answering 503 (default 5000). */
  readonly requestTimeoutMs: number;
  /** BODY_LIMIT_BYTES: largest request body (default 1000000, under NATS's 1 MiB payload limit). */
  readonly bodyLimitBytes: number;
  /** HEADERS_TIMEOUT_MS: time for a client to send the request line and headers (default 10000). */
  readonly headersTimeoutMs: number;
  /** BODY_TIMEOUT_MS: time for a client to send the whole body once headers are in; then 408 (default 10000). */
  readonly bodyTimeoutMs: number;
  /**
   * KEEP_ALIVE_TIMEOUT_MS: how long an idle keep-alive connection stays open
   * (default 5000). Behind a load balancer, set it above the balancer's idle
   * timeout, or the balancer may send a request on a connection the gateway
   * is closing and answer its client 502.
   */
  readonly keepAliveTimeoutMs: number;
  /**
   * ALLOWED_HOSTS: host names the gateway answers to (the Host header, port
   * ignored); default localhost, 127.0.0.1, ::1 and HOST when it names one
   * interface; `*` for any (behind a proxy that checks it). Refusing other
   * names defeats DNS rebinding.
   */
  readonly allowedHosts: readonly string[];
  /**
   * ALLOWED_ORIGINS: origins (`https://app.example.com`) whose browser pages
   * may call the gateway; default: http(s) on localhost, 127.0.0.1 and [::1]
   * at any port; `*` for any. A request without Origin (not from a browser) passes.
   */
  readonly allowedOrigins: readonly string[];
  readonly rateLimit: RateLimitSettings;
  readonly auth: AuthSettings;
}

/** The gateway process's configuration (CommonEnv lists CRUCIBLE_PREFIX and LOG_LEVEL). */
export interface GatewayConfig extends CommonEnv, GatewaySettings {
  /** NATS_URL: where the services answer. */
  readonly natsUrl: string;
  /** NATS_USER and NATS_PASSWORD: the gateway's NATS user (docs/security.md, "NATS"). */
  readonly natsCredentials: NatsCredentials | undefined;
}

const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'];
const ANY_INTERFACE = new Set(['0.0.0.0', '::', '']);

/** Reads the GatewaySettings variables (problems are collected by the reader). */
export function readGatewaySettings(reader: EnvReader): GatewaySettings {
  const host = reader.string('HOST', '127.0.0.1');
  return {
    port: reader.int('PORT', 8080, { min: 0, max: 65535 }),
    host,
    requestTimeoutMs: reader.int('REQUEST_TIMEOUT_MS', 5000, { min: 10, max: 600_000 }),
    bodyLimitBytes: reader.int('BODY_LIMIT_BYTES', 1_000_000, { min: 1024, max: 1_000_000 }),
    headersTimeoutMs: reader.int('HEADERS_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
    bodyTimeoutMs: reader.int('BODY_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
    keepAliveTimeoutMs: reader.int('KEEP_ALIVE_TIMEOUT_MS', 5_000, { min: 100, max: 600_000 }),
    allowedHosts: (
      reader.list('ALLOWED_HOSTS') ?? [
        ...LOOPBACK_HOSTS,
        ...(ANY_INTERFACE.has(host) || LOOPBACK_HOSTS.includes(host) ? [] : [host]),
      ]
    ).map((name) => name.toLowerCase().replace(/^\[(.*)\]$/, '$1')),
    allowedOrigins: (reader.list('ALLOWED_ORIGINS') ?? []).map((origin) =>
      origin === '*' ? origin : origin.toLowerCase().replace(/\/+$/, ''),
    ),
    rateLimit: {
      perMinute: reader.int('RATE_LIMIT_PER_MINUTE', 1200, { min: 0, max: 10_000_000 }),
      burst: reader.int('RATE_LIMIT_BURST', 200, { min: 1, max: 10_000_000 }),
    },
    auth: readAuthSettings(reader),
  };
}

/** The shortest admin token accepted: a guessable secret would open every operation. */
export const MIN_TOKEN_LENGTH = 32;

function readAuthSettings(reader: EnvReader): AuthSettings {
  const adminToken = reader.optional('CRUCIBLE_ADMIN_TOKEN');
  if (adminToken !== undefined && adminToken.length < MIN_TOKEN_LENGTH)
    reader.problem(`CRUCIBLE_ADMIN_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters`);
  const apiKeysFile = reader.optional('CRUCIBLE_API_KEYS_FILE');
  const jwksUrl = reader.optional('CRUCIBLE_JWKS_URL');
  const jwksFile = reader.optional('CRUCIBLE_JWKS_FILE');
  const issuer = reader.optional('CRUCIBLE_JWT_ISSUER');
  const audience = reader.optional('CRUCIBLE_JWT_AUDIENCE');
  let jwt: JwtSettings | undefined;
  if (jwksUrl !== undefined || jwksFile !== undefined) {
    if (jwksUrl !== undefined && jwksFile !== undefined)
      reader.problem('set one of CRUCIBLE_JWKS_URL and CRUCIBLE_JWKS_FILE, not both');
    if (jwksUrl !== undefined && !/^https?:\/\//.test(jwksUrl))
      reader.problem(`CRUCIBLE_JWKS_URL must be an http(s) URL, got ${JSON.stringify(jwksUrl)}`);
    // Without both, a token issued by the same provider for another application would pass.
    if (issuer === undefined) reader.problem('CRUCIBLE_JWT_ISSUER is required with a JWKS');
    if (audience === undefined) reader.problem('CRUCIBLE_JWT_AUDIENCE is required with a JWKS');
    jwt = { jwksUrl, jwksFile, issuer: issuer ?? '', audience: audience ?? '' };
  }
  if (adminToken === undefined && apiKeysFile === undefined && jwt === undefined) {
    reader.problem(
      'no credentials configured: set CRUCIBLE_ADMIN_TOKEN, CRUCIBLE_API_KEYS_FILE or CRUCIBLE_JWKS_URL/CRUCIBLE_JWKS_FILE (docs/security.md)',
    );
  }
  return {
    adminToken,
    apiKeysFile,
    jwt,
    authorizationServers:
      reader.list('CRUCIBLE_AUTHORIZATION_SERVERS') ?? (issuer === undefined ? [] : [issuer]),
    publicUrl: reader.optional('CRUCIBLE_PUBLIC_URL')?.replace(/\/+$/, ''),
  };
}

export function readConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const reader = new EnvReader(env);
  const config: GatewayConfig = {
    ...readCommonEnv(reader),
    ...readGatewaySettings(reader),
    natsUrl: reader.required('NATS_URL', 'NATS server URL'),
    natsCredentials: readNatsCredentials(reader),
  };
  reader.done();
  return config;
}
