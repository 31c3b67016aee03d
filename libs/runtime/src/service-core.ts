import { resolve } from 'node:path';
import { deadLetterTopic, streamTopic } from '@crucible/contracts';
import { ServiceDb, migrate } from '@crucible/database';
import { OutboxRelay, RpcClient, RpcServer } from '@crucible/messaging';
import type { Logger } from '@crucible/telemetry';
import { MIGRATIONS_ROOT, type Infrastructure } from './infrastructure';
import type { Stoppable } from './run-main';

/** What every service builds on: its schema, its outbox relay, its RPC server. */
export interface ServiceCore {
  readonly name: string;
  readonly logger: Logger;
  readonly db: ServiceDb;
  readonly relay: OutboxRelay;
  readonly server: RpcServer;
  /** A client for the calls to other services that the catalog declares for this one. */
  client(timeoutMs: number): RpcClient;
}

/**
 * The start-up every service shares, in order: migrate its schema (under an
 * advisory lock on real Postgres), create its event topics, start its outbox
 * relay, and prepare (not yet start) its RPC server. Register handlers and
 * consumers on the result, then call `serve`.
 */
export async function prepareService(
  infra: Infrastructure,
  identity: { name: string; version: string },
): Promise<ServiceCore> {
  const logger = infra.logger.child({ component: identity.name });
  await migrate(infra.knex, {
    schema: identity.name,
    dir: resolve(MIGRATIONS_ROOT, identity.name),
    advisoryLock: infra.advisoryLocks,
  });
  if (infra.catalog.streams.includes(identity.name)) {
    await infra.eventLog.ensureTopics([
      streamTopic(infra.prefix, identity.name),
      deadLetterTopic(infra.prefix, identity.name),
    ]);
  }
  const db = new ServiceDb(infra.knex, identity.name);
  const relay = new OutboxRelay({ db, eventLog: infra.eventLog, logger });
  relay.start();
  const server = new RpcServer({
    bus: infra.bus,
    catalog: infra.catalog,
    prefix: infra.prefix,
    service: identity,
    logger,
  });
  return {
    name: identity.name,
    logger,
    db,
    relay,
    server,
    client: (timeoutMs) =>
      new RpcClient({
        bus: infra.bus,
        catalog: infra.catalog,
        prefix: infra.prefix,
        timeoutMs,
        caller: { service: identity.name, logger },
      }),
  };
}

/** Something started alongside the server (e.g. an event consumer). */
export interface Startable {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts the extras, then answers requests. The returned `stop` reverses it:
 * stop answering (draining requests in flight), stop the extras, stop the
 * relay; a step that fails is logged and the later ones still run, and the
 * first failure is what `stop` rejects with. A failed start undoes what had
 * started.
 */
export async function serve(core: ServiceCore, extras: Startable[] = []): Promise<Stoppable> {
  const started: Startable[] = [];
  const stop = async (): Promise<void> => {
    const steps: Array<[string, () => Promise<void>]> = [
      ['RPC server', () => core.server.stop()],
      ...[...started]
        .reverse()
        .map((extra): [string, () => Promise<void>] => [
          extra.constructor.name,
          () => extra.stop(),
        ]),
      ['outbox relay', () => core.relay.stop()],
    ];
    let failure: Error | undefined;
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (error) {
        core.logger.error(`could not stop the ${what}`, { error });
        failure ??= error instanceof Error ? error : new Error(String(error), { cause: error });
      }
    }
    if (failure !== undefined) throw failure;
  };
  try {
    for (const extra of extras) {
      await extra.start();
      started.push(extra);
    }
    await core.server.start();
  } catch (error) {
    // The start's error is the one to report; the undoing's failures are logged by stop.
    await stop().catch(() => undefined);
    throw error;
  }
  core.logger.info('ready');
  return { stop };
}
