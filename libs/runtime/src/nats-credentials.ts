import { natsInboxPrefix } from '@crucible/messaging';
import type { EnvReader } from './env';

/** A process's NATS user (one per service, and the gateway's): docs/security.md, "NATS". */
export interface NatsCredentials {
  readonly user: string;
  readonly password: string;
}

/**
 * NATS_USER and NATS_PASSWORD, both or neither (neither: an open server,
 * as `npm test` and `infra:up` run). `scripts/nats-config.mjs` prints them.
 */
export function readNatsCredentials(reader: EnvReader): NatsCredentials | undefined {
  const user = reader.optional('NATS_USER');
  const password = reader.optional('NATS_PASSWORD');
  if (user === undefined && password === undefined) return undefined;
  if (user === undefined || password === undefined) {
    reader.problem('NATS_USER and NATS_PASSWORD go together: set both or neither');
    return undefined;
  }
  return { user, password };
}

/** NatsBus options for `credentials`: the user, and the inbox only that user may read. */
export function natsConnectOptions(credentials: NatsCredentials | undefined): {
  user?: string;
  password?: string;
  inboxPrefix?: string;
} {
  if (credentials === undefined) return {};
  return {
    user: credentials.user,
    password: credentials.password,
    inboxPrefix: natsInboxPrefix(credentials.user),
  };
}
