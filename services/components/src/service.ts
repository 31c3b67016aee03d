import { resolve } from 'node:path';
import { migrate } from '@crucible/database';
import { OutboxRelay, RpcServer } from '@crucible/messaging';
import { MIGRATIONS_ROOT, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { ServiceDb } from '@crucible/database';
import { registerHandlers } from './handlers';
import { ComponentStore } from './store/component-store';
import { ReadCache } from './store/read-cache';

export const SERVICE_NAME = 'components';
export const SERVICE_VERSION = '0.1.0';

export interface ComponentsServiceOptions {
  /** Memory for cached reads by hash, in bytes. */
  cacheBytes?: number;
}

/**
 * Starts the components service on the given infrastructure, in order:
 * migrate its schema (under an advisory lock), start the outbox relay, then
 * answer requests. `stop` reverses it: stop answering (draining requests in
 * flight), then stop the relay.
 */
export async function startComponentsService(
  infra: Infrastructure,
  options: ComponentsServiceOptions = {},
): Promise<Stoppable> {
  const logger = infra.logger.child({ component: SERVICE_NAME });
  await migrate(infra.knex, {
    schema: SERVICE_NAME,
    dir: resolve(MIGRATIONS_ROOT, SERVICE_NAME),
    advisoryLock: infra.advisoryLocks,
  });
  const db = new ServiceDb(infra.knex, SERVICE_NAME);
  const relay = new OutboxRelay({ db, eventLog: infra.eventLog, logger });
  await infra.eventLog.ensureTopics(
    infra.catalog.streams
      .filter((s) => s === SERVICE_NAME)
      .map((s) => `${infra.prefix}.${s}.events`),
  );
  relay.start();
  const server = new RpcServer({
    bus: infra.bus,
    catalog: infra.catalog,
    prefix: infra.prefix,
    service: { name: SERVICE_NAME, version: SERVICE_VERSION },
    logger,
  });
  registerHandlers(server, {
    store: new ComponentStore(db),
    catalog: infra.catalog,
    prefix: infra.prefix,
    cache: new ReadCache(options.cacheBytes ?? 64 * 1024 * 1024),
    logger,
    onEventsWritten: () => relay.kick(),
  });
  await server.start();
  logger.info('ready', { prefix: infra.prefix });
  return {
    async stop() {
      await server.stop();
      await relay.stop();
    },
  };
}
