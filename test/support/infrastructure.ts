import { rmSync } from 'node:fs';
import {
  connectInfrastructure,
  openEmbeddedInfrastructure,
  type Infrastructure,
} from '@crucible/runtime';
import { createLogger } from '@crucible/telemetry';
import { createTestDatabase } from './database';
import { embeddedDataDir } from './embedded-template';
import { testInfra } from './infra';
import { uniqueName } from './names';

/** Infrastructure for one test file, and how to take it down again. */
export interface TestInfrastructure {
  readonly kind: 'real' | 'embedded';
  readonly infra: Infrastructure;
  /** Closes the connections and removes the database or data folder. */
  close(): Promise<void>;
}

const logger = createLogger({ service: 'test', level: 'error' });

/** Real Postgres (a database of its own), NATS and Kafka (a prefix of its own). */
export async function openRealTestInfrastructure(): Promise<TestInfrastructure> {
  const env = testInfra();
  const database = await createTestDatabase();
  try {
    const infra = await connectInfrastructure({
      databaseUrl: database.url,
      natsUrl: env.natsUrl,
      kafkaBrokers: [...env.kafkaBrokers],
      prefix: uniqueName('t'),
      clientName: uniqueName('test'),
      logger,
    });
    return {
      kind: 'real',
      infra,
      async close() {
        try {
          await infra.close();
        } finally {
          await database.drop();
        }
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** The embedded default: PGlite in a temporary folder, in-process bus, Postgres-table event log. */
export async function openEmbeddedTestInfrastructure(): Promise<TestInfrastructure> {
  const dataDir = await embeddedDataDir();
  try {
    const infra = await openEmbeddedInfrastructure({ dataDir, prefix: 'crucible', logger });
    return {
      kind: 'embedded',
      infra,
      async close() {
        try {
          await infra.close();
        } finally {
          rmSync(dataDir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}
