import { startComponentsService } from '@crucible/components';
import { startGateway, type RunningGateway } from '@crucible/gateway';
import { startNamesService } from '@crucible/names';
import type { Infrastructure, Stoppable } from '@crucible/runtime';
import { startScenariosService } from '@crucible/scenarios';
import {
  openEmbeddedTestInfrastructure,
  openRealTestInfrastructure,
  type TestInfrastructure,
} from '../support';

/** Every service and the gateway, started in this process on some infrastructure. */
export interface PlatformStack {
  readonly kind: 'real' | 'embedded';
  readonly infra: Infrastructure;
  readonly gateway: RunningGateway;
  readonly url: string;
  /** Rows of `<schema>.<table>`. */
  count(schema: string, table: string): Promise<number>;
  /** Stops one service (to test how the others cope); `startService` brings it back. */
  stopService(name: ServiceName): Promise<void>;
  /** Starts a stopped service again (a no-op when it runs). */
  startService(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

export type ServiceName = 'components' | 'names' | 'scenarios';

const STARTERS: Record<
  ServiceName,
  (infra: Infrastructure, timeoutMs: number) => Promise<Stoppable>
> = {
  components: (infra) => startComponentsService(infra),
  names: (infra, timeoutMs) => startNamesService(infra, { requestTimeoutMs: timeoutMs }),
  scenarios: (infra, timeoutMs) => startScenariosService(infra, { requestTimeoutMs: timeoutMs }),
};

export interface PlatformOptions {
  requestTimeoutMs?: number;
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
  const services = new Map<ServiceName, Stoppable>();
  const stopAll = async () => {
    for (const name of ['scenarios', 'names', 'components'] as const) {
      await services.get(name)?.stop();
      services.delete(name);
    }
  };
  let gateway: RunningGateway | undefined;
  try {
    for (const name of ['components', 'names', 'scenarios'] as const)
      services.set(name, await STARTERS[name](infra, timeoutMs));
    gateway = await startGateway(infra, {
      port: 0,
      host: '127.0.0.1',
      requestTimeoutMs: timeoutMs,
      bodyLimitBytes: 1_000_000,
    });
    const running = gateway;
    return {
      kind,
      infra,
      gateway: running,
      url: running.url,
      async count(schema, table) {
        const row = await infra.knex
          .withSchema(schema)
          .table(table)
          .count<{ n: string }[]>({ n: '*' });
        return Number(row[0]?.n ?? 0);
      },
      async stopService(name) {
        await services.get(name)?.stop();
        services.delete(name);
      },
      async startService(name) {
        if (!services.has(name)) services.set(name, await STARTERS[name](infra, timeoutMs));
      },
      async stop() {
        try {
          await running.stop();
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
    headers: { 'content-type': 'application/json' },
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
