import { resolve } from 'node:path';
import { ServiceDb, migrate } from '@crucible/database';
import { OutboxRelay, RpcClient, RpcServer } from '@crucible/messaging';
import { MIGRATIONS_ROOT, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { streamTopic, deadLetterTopic } from '@crucible/contracts';
import { namesProjection } from './consumers/names-projection';
import { registerHandlers } from './handlers';
import { ScenarioStore } from './store/scenario-store';

export const SERVICE_NAME = 'scenarios';
export const SERVICE_VERSION = '0.1.0';

export interface ScenariosServiceOptions {
  /** How long to wait for the components and names services (default 5000 ms). */
  requestTimeoutMs?: number;
}

/**
 * Starts the scenarios service: migrate its schema, start the outbox relay
 * and the names projection, then answer requests. `stop` reverses it.
 */
export async function startScenariosService(
  infra: Infrastructure,
  options: ScenariosServiceOptions = {},
): Promise<Stoppable> {
  const logger = infra.logger.child({ component: SERVICE_NAME });
  await migrate(infra.knex, {
    schema: SERVICE_NAME,
    dir: resolve(MIGRATIONS_ROOT, SERVICE_NAME),
    advisoryLock: infra.advisoryLocks,
  });
  const db = new ServiceDb(infra.knex, SERVICE_NAME);
  const store = new ScenarioStore(db);
  await infra.eventLog.ensureTopics([
    streamTopic(infra.prefix, SERVICE_NAME),
    deadLetterTopic(infra.prefix, SERVICE_NAME),
  ]);
  const relay = new OutboxRelay({ db, eventLog: infra.eventLog, logger });
  relay.start();
  const projection = namesProjection(infra, db, store);
  await projection.start();
  const server = new RpcServer({
    bus: infra.bus,
    catalog: infra.catalog,
    prefix: infra.prefix,
    service: { name: SERVICE_NAME, version: SERVICE_VERSION },
    logger,
  });
  registerHandlers(server, {
    store,
    db,
    rpc: new RpcClient({
      bus: infra.bus,
      catalog: infra.catalog,
      prefix: infra.prefix,
      timeoutMs: options.requestTimeoutMs ?? 5000,
    }),
    catalog: infra.catalog,
    prefix: infra.prefix,
    logger,
    onEventsWritten: () => relay.kick(),
  });
  await server.start();
  logger.info('ready', { prefix: infra.prefix });
  return {
    async stop() {
      await server.stop();
      await projection.stop();
      await relay.stop();
    },
  };
}
