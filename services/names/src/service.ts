import { resolve } from 'node:path';
import { streamTopic } from '@crucible/contracts';
import { migrate, ServiceDb } from '@crucible/database';
import { OutboxRelay, RpcClient, RpcServer } from '@crucible/messaging';
import { MIGRATIONS_ROOT, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { RpcScenarioDirectory } from './clients/scenario-directory';
import { registerHandlers } from './handlers';
import { NameStore } from './store/name-store';

export const SERVICE_NAME = 'names';
export const SERVICE_VERSION = '0.1.0';

export interface NamesServiceOptions {
  /** How long to wait for the scenarios service (check_scenarios), in milliseconds (default 5000). */
  requestTimeoutMs?: number;
}

/**
 * Starts the names service on the given infrastructure, in order: migrate
 * its schema (under an advisory lock), create its topic, start the outbox
 * relay, then answer requests. `stop` reverses it: stop answering (draining
 * requests in flight), then stop the relay.
 */
export async function startNamesService(
  infra: Infrastructure,
  options: NamesServiceOptions = {},
): Promise<Stoppable> {
  const logger = infra.logger.child({ component: SERVICE_NAME });
  await migrate(infra.knex, {
    schema: SERVICE_NAME,
    dir: resolve(MIGRATIONS_ROOT, SERVICE_NAME),
    advisoryLock: infra.advisoryLocks,
  });
  const db = new ServiceDb(infra.knex, SERVICE_NAME);
  await infra.eventLog.ensureTopics([streamTopic(infra.prefix, SERVICE_NAME)]);
  const relay = new OutboxRelay({ db, eventLog: infra.eventLog, logger });
  relay.start();
  const server = new RpcServer({
    bus: infra.bus,
    catalog: infra.catalog,
    prefix: infra.prefix,
    service: { name: SERVICE_NAME, version: SERVICE_VERSION },
    logger,
  });
  const rpc = new RpcClient({
    bus: infra.bus,
    catalog: infra.catalog,
    prefix: infra.prefix,
    timeoutMs: options.requestTimeoutMs ?? 5000,
  });
  registerHandlers(server, {
    store: new NameStore(db),
    scenarios: new RpcScenarioDirectory(rpc, logger),
    catalog: infra.catalog,
    prefix: infra.prefix,
    logger,
    onEventsWritten: () => relay.kick(),
  });
  try {
    await server.start();
  } catch (error) {
    await server.stop();
    await relay.stop();
    throw error;
  }
  logger.info('ready', { prefix: infra.prefix });
  return {
    async stop() {
      await server.stop();
      await relay.stop();
    },
  };
}
