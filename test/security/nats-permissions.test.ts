// Least privilege on the bus (docs/security.md, "NATS"): a nats-server of
// the test's own runs the configuration generated from the catalog. Every
// service and the gateway connect as their own users and the whole flow
// works (including the calls between services the catalog declares);
// a client without credentials, wrong credentials, or a user reaching past
// its permissions is refused.
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { defaultCatalog, operationSubject, serviceQueue } from '@crucible/contracts';
import { startGateway, type RunningGateway } from '@crucible/gateway';
import {
  GATEWAY_NATS_USER,
  NatsBus,
  RpcClient,
  natsInboxPrefix,
  natsPermissions,
  natsServerConfig,
} from '@crucible/messaging';
import { loadServiceDefinitions } from '@crucible/platform';
import {
  EnvReader,
  connectInfrastructure,
  natsConnectOptions,
  type Infrastructure,
  type Stoppable,
} from '@crucible/runtime';
import { createLogger } from '@crucible/telemetry';
import {
  ADJUDICATE_SYSTEM,
  ADJUDICATION_SCHEMA,
  ENTITIES,
  ENVIRONMENTS,
  INTEND_SYSTEM,
  PERCEIVE_SYSTEM,
} from '../scenarios/fixtures';
import {
  createTestDatabase,
  http,
  startTestNatsServer,
  testGatewaySettings,
  testInfra,
  uniqueName,
  type TestDatabase,
  type TestNatsServer,
} from '../support';

jest.setTimeout(120_000);

const catalog = defaultCatalog();
const logger = createLogger({ service: 'test', level: 'error' });
const prefix = uniqueName('sec');
const permissions = natsPermissions(catalog, prefix);
const passwords = new Map(permissions.map((p) => [p.user, randomBytes(16).toString('hex')]));
const credentials = (user: string) => ({ user, password: passwords.get(user)! });

/** The permission errors the server reported on a connection, as text. */
function permissionErrors(nc: NatsConnection): string[] {
  const seen: string[] = [];
  void (async () => {
    for await (const status of nc.status())
      if (status.type === 'error') seen.push(String(status.error.message));
  })();
  return seen;
}

async function waitFor(what: string, probe: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('NATS with the permissions generated from the catalog', () => {
  let nats: TestNatsServer;
  let database: TestDatabase;
  const infras: Infrastructure[] = [];
  const services: Stoppable[] = [];
  let gatewayBus: NatsBus;
  let gateway: RunningGateway;

  beforeAll(async () => {
    nats = await startTestNatsServer(
      natsServerConfig(
        permissions,
        [...passwords].map(([user, password]) => ({ user, password })),
      ),
    );
    database = await createTestDatabase();
    // Each service on its own connections, as its own NATS user.
    const reader = new EnvReader({});
    for (const definition of loadServiceDefinitions()) {
      const infra = await connectInfrastructure({
        databaseUrl: database.url,
        natsUrl: nats.url,
        kafkaBrokers: [...testInfra().kafkaBrokers],
        prefix,
        clientName: uniqueName(definition.name),
        logger,
        natsCredentials: credentials(definition.name),
      });
      infras.push(infra);
      services.push(await definition.configure(reader).start(infra));
    }
    gatewayBus = await NatsBus.connect({
      url: nats.url,
      name: uniqueName('gateway'),
      ...natsConnectOptions(credentials(GATEWAY_NATS_USER)),
    });
    gateway = await startGateway(
      { bus: gatewayBus, catalog, prefix, logger },
      testGatewaySettings({ host: '127.0.0.1', requestTimeoutMs: 5_000 }),
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await gatewayBus?.close();
    for (const service of services.reverse()) await service.stop();
    for (const infra of infras) await infra.close();
    await nats?.stop();
    await database?.drop();
  });

  it('carries the whole flow: the gateway to every service, and the declared calls between them', async () => {
    const rpc = new RpcClient({ bus: gatewayBus, catalog, prefix, timeoutMs: 5_000 });
    const put = async (operation: Parameters<RpcClient['callUnchecked']>[0], content: unknown) =>
      ((await rpc.callUnchecked(operation, { content })) as { hash: string }).hash;
    const profile = (await rpc.call('put_cognition_profile', {
      perceive_system: { hash: await put('put_perceive_system', PERCEIVE_SYSTEM) },
      intend_system: { hash: await put('put_intend_system', INTEND_SYSTEM) },
      adjudicate_system: { hash: await put('put_adjudicate_system', ADJUDICATE_SYSTEM) },
      adjudication_schema: { hash: await put('put_adjudication_schema', ADJUDICATION_SCHEMA) },
      adjudication_retry_budget: 2,
    })) as { hash: string };
    // scenarios -> components resolve_components, scenarios -> names
    // set_scenario_name, names -> scenarios check_scenarios.
    const assembled = await rpc.call('assemble_scenario', {
      scenario_slug: 'secure_bus',
      description: 'Assembled over a bus with permissions.',
      chronon_seconds: 60,
      cognition_profiles: { keeper: { hash: profile.hash } },
      environments: { dome: { inline: ENVIRONMENTS.dome } },
      entities: [{ inline: ENTITIES[0]! }],
      operator: 'security-test',
      note: '',
      metadata: {},
      name: 'secure_bus',
    });
    expect(assembled).toMatchObject({ was_new_scenario: true, name_error: null });
    // scenarios -> components get_components, scenarios -> names resolve_name.
    const read = await rpc.call('get_scenario', { name: 'secure_bus' });
    expect(read).toMatchObject({ hash: assembled.scenario_hash, names: ['secure_bus'] });
    // The gateway asks every service's readiness subject.
    const ready = await http(`${gateway.url}/ready`, 'GET');
    expect(ready.status).toBe(200);
    expect(ready.body.services.map((s: { ready?: boolean }) => s.ready)).toEqual(
      loadServiceDefinitions().map(() => true),
    );
  });

  it('refuses a client without credentials, and wrong credentials', async () => {
    await expect(connect({ servers: nats.url, reconnect: false })).rejects.toThrow(
      /authorization/i,
    );
    await expect(
      connect({ servers: nats.url, reconnect: false, user: 'components', pass: 'wrong' }),
    ).rejects.toThrow(/authorization/i);
  });

  it("refuses the gateway's user an internal operation and a service's queue group", async () => {
    const nc = await connect({
      servers: nats.url,
      user: GATEWAY_NATS_USER,
      pass: passwords.get(GATEWAY_NATS_USER)!,
      inboxPrefix: natsInboxPrefix(GATEWAY_NATS_USER),
    });
    const errors = permissionErrors(nc);
    try {
      const internal = operationSubject(prefix, catalog.operation('resolve_components'));
      nc.publish(internal, new Uint8Array(0));
      await waitFor('a publish violation', () =>
        errors.some((e) => /publish/i.test(e) && e.includes(internal)),
      );
      // Answering in the components service's place: joining its queue group.
      const served = operationSubject(prefix, catalog.operation('get_environment'));
      nc.subscribe(served, { queue: serviceQueue('components') });
      await waitFor('a subscription violation', () =>
        errors.some((e) => /subscription/i.test(e) && e.includes(served)),
      );
      // Reading the replies of another user's requests.
      nc.subscribe(`${natsInboxPrefix('scenarios')}.>`);
      await waitFor('an inbox violation', () =>
        errors.some((e) => /subscription/i.test(e) && e.includes(natsInboxPrefix('scenarios'))),
      );
    } finally {
      await nc.close();
    }
  });

  it("refuses a service's user the subjects of another service and undeclared calls", async () => {
    const nc = await connect({
      servers: nats.url,
      user: 'names',
      pass: passwords.get('names')!,
      inboxPrefix: natsInboxPrefix('names'),
    });
    const errors = permissionErrors(nc);
    try {
      // names declares no call to components.
      const undeclared = operationSubject(prefix, catalog.operation('put_environment'));
      nc.publish(undeclared, new Uint8Array(0));
      await waitFor('a publish violation', () =>
        errors.some((e) => /publish/i.test(e) && e.includes(undeclared)),
      );
      const other = operationSubject(prefix, catalog.operation('assemble_scenario'));
      nc.subscribe(other, { queue: serviceQueue('scenarios') });
      await waitFor('a subscription violation', () =>
        errors.some((e) => /subscription/i.test(e) && e.includes(other)),
      );
    } finally {
      await nc.close();
    }
  });

  it("refuses to start a service given another service's credentials, and a foreign inbox", async () => {
    const definition = loadServiceDefinitions().find((d) => d.name === 'components')!;
    const infra = await connectInfrastructure({
      databaseUrl: database.url,
      natsUrl: nats.url,
      kafkaBrokers: [...testInfra().kafkaBrokers],
      prefix,
      clientName: uniqueName('impostor'),
      logger,
      natsCredentials: credentials('names'),
    });
    try {
      await expect(definition.configure(new EnvReader({})).start(infra)).rejects.toThrow(
        /NATS refused the subscription to .*components/,
      );
    } finally {
      await infra.close();
    }
    await expect(
      NatsBus.connect({
        url: nats.url,
        name: uniqueName('snoop'),
        ...credentials(GATEWAY_NATS_USER),
        inboxPrefix: natsInboxPrefix('components'),
      }),
    ).rejects.toThrow(/reply inbox/);
  });
});
