import {
  EnvReader,
  readCommonEnv,
  readNatsCredentials,
  type CommonEnv,
  type NatsCredentials,
} from '@crucible/runtime';

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
}

/** The gateway process's configuration (CommonEnv lists CRUCIBLE_PREFIX and LOG_LEVEL). */
export interface GatewayConfig extends CommonEnv, GatewaySettings {
  /** NATS_URL: where the services answer. */
  readonly natsUrl: string;
  /** NATS_USER and NATS_PASSWORD: the gateway's NATS user (docs/security.md, "NATS"). */
  readonly natsCredentials: NatsCredentials | undefined;
}

/** Reads the GatewaySettings variables (problems are collected by the reader). */
export function readGatewaySettings(reader: EnvReader): GatewaySettings {
  return {
    port: reader.int('PORT', 8080, { min: 0, max: 65535 }),
    host: reader.string('HOST', '127.0.0.1'),
    requestTimeoutMs: reader.int('REQUEST_TIMEOUT_MS', 5000, { min: 10, max: 600_000 }),
    bodyLimitBytes: reader.int('BODY_LIMIT_BYTES', 1_000_000, { min: 1024, max: 1_000_000 }),
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
