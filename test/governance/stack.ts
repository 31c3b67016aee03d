import { startGateway } from '@crucible/gateway';
import { startGovernanceService, type GovernanceSettings } from '@crucible/governance';
import { RpcClient } from '@crucible/messaging';
import type { Infrastructure, Stoppable } from '@crucible/runtime';
import {
  openRealTestInfrastructure,
  testGatewaySettings,
  type TestInfrastructure,
} from '../support';

export { http } from '../support';

/** The governance service and the gateway, in this process, on real Postgres, NATS and Kafka. */
export interface GovernanceStack {
  readonly infra: Infrastructure;
  /** The gateway's base URL. */
  readonly url: string;
  /** Calls operations over the bus, like another service would. */
  readonly rpc: RpcClient;
  /** Stops the governance service only (the restart test); `startService` brings it back. */
  stopService(): Promise<void>;
  startService(): Promise<void>;
  /** Rows of a governance table. */
  count(table: string): Promise<number>;
  stop(): Promise<void>;
}

/** Escalation timers are polled this often in the tests. */
export const TEST_SETTINGS: GovernanceSettings = {
  escalationPollMs: 100,
  embeddings: { provider: 'offline' },
};

/** Starts the stack; `settings` default to TEST_SETTINGS (the offline embedder). */
export async function startGovernanceStack(
  settings: GovernanceSettings = TEST_SETTINGS,
): Promise<GovernanceStack> {
  const test: TestInfrastructure = await openRealTestInfrastructure();
  const { infra } = test;
  let service: Stoppable | undefined;
  let gateway: Stoppable | undefined;
  try {
    service = await startGovernanceService(infra, settings);
    const started = await startGateway(
      infra,
      testGatewaySettings({ host: '127.0.0.1', requestTimeoutMs: 10_000 }),
    );
    gateway = started;
    return {
      infra,
      url: started.url,
      rpc: new RpcClient({
        bus: infra.bus,
        catalog: infra.catalog,
        prefix: infra.prefix,
        timeoutMs: 20_000,
      }),
      async stopService() {
        await service?.stop();
        service = undefined;
      },
      async startService() {
        service ??= await startGovernanceService(infra, settings);
      },
      async count(table) {
        const row = await infra.knex
          .withSchema('governance')
          .table(table)
          .count<{ n: string }>({ n: '*' })
          .first();
        return Number(row?.n ?? 0);
      },
      async stop() {
        try {
          await gateway?.stop();
          await service?.stop();
        } finally {
          await test.close();
        }
      },
    };
  } catch (error) {
    await gateway?.stop().catch(() => undefined);
    await service?.stop().catch(() => undefined);
    await test.close();
    throw error;
  }
}
