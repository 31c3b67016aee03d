// What the scenarios bench runs on: the components, names and scenarios
// services started in this process (as the integration tests start them) on
// real Postgres (a database of its own), NATS and Kafka (a prefix of its
// own); an RPC client that calls them over NATS; a raw `pg` connection to the
// same database for seeding and the baselines.
import { startComponentsService } from '@crucible/components';
import { deadLetterTopic, streamTopic } from '@crucible/contracts';
import { RpcClient } from '@crucible/messaging';
import { startNamesService } from '@crucible/names';
import { connectInfrastructure, type Infrastructure } from '@crucible/runtime';
import { startScenariosService } from '@crucible/scenarios';
import { createLogger } from '@crucible/telemetry';
import { Client } from 'pg';
import { createTestDatabase, deleteKafkaTopics, testInfra, uniqueName } from '../../support';

export interface BenchPlatform {
  readonly infra: Infrastructure;
  /** Calls operations over NATS, as the gateway does (requests and replies checked by ajv). */
  readonly rpc: RpcClient;
  /** A connection of its own to the services' database, for the baselines. */
  readonly pg: Client;
  /**
   * Another, for seeding and EXPLAIN: measured, the connection that did the
   * bulk loading ran the same list statement up to 1.6x slower afterwards.
   */
  readonly seedPg: Client;
  /** Stops everything and drops the database; every step runs even if an earlier one fails. */
  stop(): Promise<void>;
}

// Lineage of a 1,000-deep chain is one large reply: give it time on a busy machine.
const RPC_TIMEOUT_MS = 60_000;

const logger = createLogger({ service: 'bench', level: 'error' });

/** Starts the platform; whatever was started is undone again if a later step fails. */
export async function startBenchPlatform(): Promise<BenchPlatform> {
  const servers = testInfra();
  const undo: Array<[string, () => Promise<void>]> = [];
  const stop = async (): Promise<void> => {
    const problems: string[] = [];
    for (const [what, step] of undo.reverse()) {
      await step().catch((error: unknown) => problems.push(`${what}: ${String(error)}`));
    }
    undo.length = 0;
    if (problems.length > 0)
      throw new Error(`scenarios bench clean-up failed: ${problems.join('; ')}`);
  };
  try {
    const database = await createTestDatabase();
    undo.push(['drop the database', () => database.drop()]);
    const prefix = uniqueName('bench');
    const infra = await connectInfrastructure({
      databaseUrl: database.url,
      natsUrl: servers.natsUrl,
      kafkaBrokers: [...servers.kafkaBrokers],
      prefix,
      clientName: uniqueName('bench'),
      logger,
    });
    undo.push([
      'delete the Kafka topics',
      () =>
        deleteKafkaTopics(
          servers.kafkaBrokers,
          infra.catalog.streams.flatMap((stream) => [
            streamTopic(prefix, stream),
            deadLetterTopic(prefix, stream),
          ]),
        ),
    ]);
    undo.push(['close the infrastructure', () => infra.close()]);
    // Dependencies first, as in production: scenarios calls components and names.
    const components = await startComponentsService(infra);
    undo.push(['stop components', () => components.stop()]);
    const names = await startNamesService(infra, { requestTimeoutMs: RPC_TIMEOUT_MS });
    undo.push(['stop names', () => names.stop()]);
    const scenarios = await startScenariosService(infra, { requestTimeoutMs: RPC_TIMEOUT_MS });
    undo.push(['stop scenarios', () => scenarios.stop()]);
    const connect = async (what: string): Promise<Client> => {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      undo.push([`close the ${what} connection`, () => client.end()]);
      return client;
    };
    const pg = await connect('baseline');
    const seedPg = await connect('seeding');
    const rpc = new RpcClient({
      bus: infra.bus,
      catalog: infra.catalog,
      prefix: infra.prefix,
      timeoutMs: RPC_TIMEOUT_MS,
    });
    return { infra, rpc, pg, seedPg, stop };
  } catch (error) {
    await stop().catch((problem: unknown) => logger.error(String(problem)));
    throw error;
  }
}
