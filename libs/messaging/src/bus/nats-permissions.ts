import {
  operationSubject,
  readinessSubject,
  type Catalog,
  type OperationSpec,
} from '@crucible/contracts';

/** The NATS user of the gateway; each service's user is its name. */
export const GATEWAY_NATS_USER = 'gateway';

/**
 * The prefix of a user's reply subjects (`NatsBusOptions.inboxPrefix`):
 * each user may subscribe only to its own, so no one reads another's replies.
 */
export function natsInboxPrefix(user: string): string {
  return `_INBOX_${user}`;
}

/** What one NATS user may publish and subscribe to (exact subjects, no wildcards but its inbox). */
export interface NatsUserPermissions {
  readonly user: string;
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
  /** Whether it answers requests (may publish to the reply subject of a request it received). */
  readonly replies: boolean;
}

/**
 * Least privilege on the bus, from the catalog (docs/security.md, "NATS"):
 *
 * - a service subscribes only to its own operations and readiness subject
 *   (so no one else can answer in its place) and to its own inbox; it
 *   publishes only to the operations the catalog says it calls (`callers`)
 *   and to the reply subjects of requests it received (`allow_responses`);
 * - the gateway publishes only to exposed operations and to each service's
 *   readiness subject, and subscribes only to its own inbox.
 *
 * An internal operation (`exposed: false`) is thus reachable only by the
 * services listed as its callers.
 */
export function natsPermissions(catalog: Catalog, prefix: string): NatsUserPermissions[] {
  const operations = [...catalog.operations.values()];
  const services = [...new Set(operations.map((op) => op.service))].sort();
  const subject = (op: OperationSpec) => operationSubject(prefix, op);
  const users: NatsUserPermissions[] = services.map((service) => ({
    user: service,
    publish: operations
      .filter((op) => op.service !== service && catalog.mayCall(service, op.name))
      .map(subject)
      .sort(),
    subscribe: [
      ...operations.filter((op) => op.service === service).map(subject),
      readinessSubject(prefix, service),
      `${natsInboxPrefix(service)}.>`,
    ].sort(),
    replies: true,
  }));
  users.push({
    user: GATEWAY_NATS_USER,
    publish: [
      ...catalog.exposedOperations().map(subject),
      ...services.map((service) => readinessSubject(prefix, service)),
    ].sort(),
    subscribe: [`${natsInboxPrefix(GATEWAY_NATS_USER)}.>`],
    replies: false,
  });
  return users;
}

/** A user and its password, for `natsServerConfig`. */
export interface NatsCredential {
  readonly user: string;
  readonly password: string;
}

/**
 * The `authorization` block of a nats-server configuration giving each
 * user of `permissions` its password from `credentials` and its
 * permissions; every other client is refused. Replies to received requests
 * are allowed (one each, within a minute).
 */
export function natsServerConfig(
  permissions: readonly NatsUserPermissions[],
  credentials: readonly NatsCredential[],
): string {
  const passwords = new Map(credentials.map((c) => [c.user, c.password]));
  // An empty allow list would allow everything: nothing allowed is a deny of all.
  const rule = (subjects: readonly string[]) =>
    subjects.length === 0
      ? '{ deny: [">"] }'
      : `{ allow: [${subjects.map((s) => JSON.stringify(s)).join(', ')}] }`;
  const users = permissions.map((p) => {
    const password = passwords.get(p.user);
    if (password === undefined) throw new Error(`no password for NATS user ${p.user}`);
    return [
      `    {`,
      `      user: ${JSON.stringify(p.user)}`,
      `      password: ${JSON.stringify(password)}`,
      `      permissions: {`,
      `        publish: ${rule(p.publish)}`,
      `        subscribe: ${rule(p.subscribe)}`,
      ...(p.replies ? [`        allow_responses: { max: 1, expires: "1m" }`] : []),
      `      }`,
      `    }`,
    ].join('\n');
  });
  return [
    '# Generated from schemas/catalog.json by scripts/nats-config.mjs',
    '# (docs/security.md, "NATS"). Do not edit: regenerate.',
    'authorization {',
    '  users = [',
    users.join('\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}
