import { startGateway, type RunningGateway } from '@crucible/gateway';
import { loadServiceDefinitions } from '@crucible/platform';
import {
  EnvReader,
  type ConfiguredService,
  type Infrastructure,
  type Stoppable,
} from '@crucible/runtime';
import {
  openEmbeddedTestInfrastructure,
  openRealTestInfrastructure,
  type TestInfrastructure,
  TEST_AUTH_HEADERS,
  testGatewaySettings,
} from '../support';

/** Every registered service and the gateway, started in this process on some infrastructure. */
export interface PlatformStack {
  readonly kind: 'real' | 'embedded';
  readonly infra: Infrastructure;
  readonly gateway: RunningGateway;
  readonly url: string;
  /** Rows of `<schema>.<table>`. */
  count(schema: string, table: string): Promise<number>;
  /** Stops one service (to test how the others cope); `startService` brings it back. */
  stopService(name: string): Promise<void>;
  /** Starts a stopped service again (a no-op when it runs). */
  startService(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface PlatformOptions {
  requestTimeoutMs?: number;
  /** More environment variables the services are configured from (e.g. WORLDS_PRICE_TABLE). */
  env?: Record<string, string>;
}

/**
 * Every service of services/registry.json, in its order, configured as its
 * own process would be with REQUEST_TIMEOUT_MS set (the rest defaulted).
 */
function configuredServices(
  requestTimeoutMs: number,
  env: Record<string, string> = {},
): ConfiguredService[] {
  const reader = new EnvReader({ ...env, REQUEST_TIMEOUT_MS: String(requestTimeoutMs) });
  const services = loadServiceDefinitions().map((definition) => definition.configure(reader));
  reader.done();
  return services;
}

/** Real Postgres (own database), NATS and Kafka (own prefix). */
export async function startRealPlatform(options: PlatformOptions = {}): Promise<PlatformStack> {
  return startOn(await openRealTestInfrastructure(), options);
}

/** The embedded default: PGlite in a temporary folder, in-process bus, Postgres-table event log. */
export async function startEmbeddedPlatform(options: PlatformOptions = {}): Promise<PlatformStack> {
  return startOn(await openEmbeddedTestInfrastructure(), options);
}

async function startOn(test: TestInfrastructure, options: PlatformOptions): Promise<PlatformStack> {
  const { kind, infra } = test;
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const configured = new Map(
    configuredServices(timeoutMs, options.env).map((service) => [service.name, service]),
  );
  const running = new Map<string, Stoppable>();
  const stopAll = async () => {
    for (const name of [...configured.keys()].reverse()) {
      await running.get(name)?.stop();
      running.delete(name);
    }
  };
  const startService = async (name: string) => {
    const service = configured.get(name);
    if (!service) throw new Error(`no registered service ${name}`);
    if (!running.has(name)) running.set(name, await service.start(infra));
  };
  let gateway: RunningGateway | undefined;
  try {
    for (const name of configured.keys()) await startService(name);
    gateway = await startGateway(infra, testGatewaySettings({ requestTimeoutMs: timeoutMs }));
    const front = gateway;
    return {
      kind,
      infra,
      gateway: front,
      url: front.url,
      async count(schema, table) {
        const row = await infra.knex
          .withSchema(schema)
          .table(table)
          .count<{ n: string }[]>({ n: '*' });
        return Number(row[0]?.n ?? 0);
      },
      async stopService(name) {
        await running.get(name)?.stop();
        running.delete(name);
      },
      startService,
      async stop() {
        try {
          await front.stop();
          await stopAll();
        } finally {
          await test.close();
        }
      },
    };
  } catch (error) {
    await gateway?.stop().catch(() => undefined);
    await stopAll().catch(() => undefined);
    await test.close();
    throw error;
  }
}

/** Calls an operation through the gateway's `POST /v1/ops/{operation}` route. */
export async function op(
  stack: PlatformStack,
  operation: string,
  request: unknown,
): Promise<{ status: number; body: any }> {
  const response = await fetch(`${stack.url}/v1/ops/${operation}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...TEST_AUTH_HEADERS },
    body: JSON.stringify(request),
  });
  return { status: response.status, body: await response.json() };
}

/** Like `op`, but fails the test with the error body unless the call succeeded. */
export async function ok(stack: PlatformStack, operation: string, request: unknown): Promise<any> {
  const { status, body } = await op(stack, operation, request);
  if (status !== 200) throw new Error(`${operation} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}
