import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startComponentsService } from '@crucible/components';
import { startGateway, type RunningGateway } from '@crucible/gateway';
import {
  connectInfrastructure,
  openEmbeddedInfrastructure,
  type Infrastructure,
  type Stoppable,
} from '@crucible/runtime';
import { createLogger } from '@crucible/telemetry';
import { createTestDatabase, testInfra, uniqueName } from '../support';

/** The components service and the gateway, started in this process on some infrastructure. */
export interface Stack {
  readonly kind: 'real' | 'embedded';
  readonly infra: Infrastructure;
  readonly gateway: RunningGateway;
  readonly url: string;
  /** Rows of a table of the components schema. */
  count(table: string): Promise<number>;
  stop(): Promise<void>;
}

const logger = createLogger({ service: 'test', level: 'error' });

export interface StackOptions {
  requestTimeoutMs?: number;
  bodyLimitBytes?: number;
}

/** Real Postgres (own database), NATS and Kafka (own prefix for subjects and topics). */
export async function startRealStack(options: StackOptions = {}): Promise<Stack> {
  const env = testInfra();
  const database = await createTestDatabase();
  let infra: Infrastructure | undefined;
  try {
    infra = await connectInfrastructure({
      databaseUrl: database.url,
      natsUrl: env.natsUrl,
      kafkaBrokers: [...env.kafkaBrokers],
      prefix: uniqueName('t'),
      clientName: uniqueName('test'),
      logger,
    });
    return await startOn('real', infra, options, async () => {
      await database.drop();
    });
  } catch (error) {
    await infra?.close();
    await database.drop();
    throw error;
  }
}

/** The embedded default: PGlite in a temporary folder, in-process bus, Postgres-table event log. */
export async function startEmbeddedStack(options: StackOptions = {}): Promise<Stack> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crucible-test-'));
  let infra: Infrastructure | undefined;
  try {
    infra = await openEmbeddedInfrastructure({ dataDir, prefix: 'crucible', logger });
    return await startOn('embedded', infra, options, () => {
      rmSync(dataDir, { recursive: true, force: true });
      return Promise.resolve();
    });
  } catch (error) {
    await infra?.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function startOn(
  kind: Stack['kind'],
  infra: Infrastructure,
  options: StackOptions,
  cleanup: () => Promise<void>,
): Promise<Stack> {
  const parts: Stoppable[] = [];
  parts.push(await startComponentsService(infra));
  const gateway = await startGateway(infra, {
    port: 0,
    host: '127.0.0.1',
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    bodyLimitBytes: options.bodyLimitBytes ?? 1_000_000,
  });
  parts.push(gateway);
  return {
    kind,
    infra,
    gateway,
    url: gateway.url,
    async count(table) {
      const row = (await infra.knex
        .withSchema('components')
        .table(table)
        .count({ n: '*' })
        .first()) as { n: string };
      return Number(row.n);
    },
    async stop() {
      try {
        for (const part of parts.reverse()) await part.stop();
      } finally {
        await infra.close();
        await cleanup();
      }
    },
  };
}

/** POSTs or GETs JSON; returns status and parsed body. */
export async function http(
  url: string,
  method: 'GET' | 'POST',
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body:
      body === undefined
        ? undefined
        : typeof body === 'string' || body instanceof Uint8Array
          ? body
          : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Every table of the components schema (for "nothing was written" checks). */
export const COMPONENT_TABLES = [
  'perceive_systems',
  'intend_systems',
  'adjudicate_systems',
  'adjudication_schemas',
  'cognition_profiles',
  'environments',
  'entities',
  'outbox',
] as const;

export type RowCounts = Record<(typeof COMPONENT_TABLES)[number], number>;

export async function countAll(stack: Stack): Promise<RowCounts> {
  const out = {} as RowCounts;
  for (const table of COMPONENT_TABLES) out[table] = await stack.count(table);
  return out;
}
