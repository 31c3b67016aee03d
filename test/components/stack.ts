import { startComponentsService } from '@crucible/components';
import { startGateway, type RunningGateway } from '@crucible/gateway';
import type { Infrastructure, Stoppable } from '@crucible/runtime';
import {
  openEmbeddedTestInfrastructure,
  openRealTestInfrastructure,
  type TestInfrastructure,
  testGatewaySettings,
} from '../support';

export { http } from '../support';

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

export interface StackOptions {
  requestTimeoutMs?: number;
  bodyLimitBytes?: number;
  /** Gateway variables besides the tests' defaults (support/auth.ts). */
  gatewayEnv?: Record<string, string>;
}

/** Real Postgres (own database), NATS and Kafka (own prefix for subjects and topics). */
export async function startRealStack(options: StackOptions = {}): Promise<Stack> {
  return startOn(await openRealTestInfrastructure(), options);
}

/** The embedded default: PGlite in a temporary folder, in-process bus, Postgres-table event log. */
export async function startEmbeddedStack(options: StackOptions = {}): Promise<Stack> {
  return startOn(await openEmbeddedTestInfrastructure(), options);
}

async function startOn(test: TestInfrastructure, options: StackOptions): Promise<Stack> {
  const { infra } = test;
  const parts: Stoppable[] = [];
  try {
    parts.push(await startComponentsService(infra));
    const gateway = await startGateway(
      infra,
      testGatewaySettings(
        {
          requestTimeoutMs: options.requestTimeoutMs ?? 5000,
          bodyLimitBytes: options.bodyLimitBytes ?? 1_000_000,
        },
        options.gatewayEnv,
      ),
    );
    parts.push(gateway);
    return {
      kind: test.kind,
      infra,
      gateway,
      url: gateway.url,
      async count(table) {
        const rows = await infra.knex
          .withSchema('components')
          .table(table)
          .count<Array<{ n: string }>>({ n: '*' });
        return Number(rows[0]?.n ?? 0);
      },
      async stop() {
        try {
          for (const part of parts.reverse()) await part.stop();
        } finally {
          await test.close();
        }
      },
    };
  } catch (error) {
    for (const part of parts.reverse()) await part.stop().catch(() => undefined);
    await test.close();
    throw error;
  }
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
