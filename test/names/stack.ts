import { randomBytes } from 'node:crypto';
import { startGateway } from '@crucible/gateway';
import { RpcClient } from '@crucible/messaging';
import { startNamesService } from '@crucible/names';
import type { Infrastructure, Stoppable } from '@crucible/runtime';
import {
  openEmbeddedTestInfrastructure,
  openRealTestInfrastructure,
  type TestInfrastructure,
  testGatewaySettings,
} from '../support';

export { http } from '../support';
import { ScenariosStandIn } from './scenarios-stand-in';

/** The names service, a stand-in scenarios service and the gateway, in this process. */
export interface NamesStack {
  readonly kind: 'real' | 'embedded';
  readonly infra: Infrastructure;
  /** The gateway's base URL. */
  readonly url: string;
  /** Calls operations over the bus, like another service would. */
  readonly rpc: RpcClient;
  readonly scenarios: ScenariosStandIn;
  /** A new scenario hash that the stand-in reports as stored. */
  scenario(): string;
  /** Rows of the names schema's tables. */
  counts(): Promise<RowCounts>;
  /** History rows of a name straight from the table, oldest first. */
  historyRows(name: string): Promise<HistoryRow[]>;
  stop(): Promise<void>;
}

export interface RowCounts {
  names: number;
  history: number;
  outbox: number;
}

export interface HistoryRow {
  id: number;
  name: string;
  old_hash: string | null;
  new_hash: string | null;
  note: string | null;
  actor: string | null;
  changed_at: Date;
}

/** How long the names service waits for the scenarios service in these tests. */
export const SCENARIOS_TIMEOUT_MS = 1500;

/** Real Postgres (own database), NATS and Kafka (own prefix for subjects and topics). */
export async function startRealStack(): Promise<NamesStack> {
  return startOn(await openRealTestInfrastructure());
}

/** The embedded default: PGlite in a temporary folder, in-process bus, Postgres-table event log. */
export async function startEmbeddedStack(): Promise<NamesStack> {
  return startOn(await openEmbeddedTestInfrastructure());
}

async function startOn(test: TestInfrastructure): Promise<NamesStack> {
  const { kind, infra } = test;
  const parts: Stoppable[] = [];
  const scenarios = new ScenariosStandIn(infra);
  try {
    await scenarios.start();
    parts.push(scenarios);
    parts.push(await startNamesService(infra, { requestTimeoutMs: SCENARIOS_TIMEOUT_MS }));
    const gateway = await startGateway(infra, testGatewaySettings({ requestTimeoutMs: 10_000 }));
    parts.push(gateway);
    const count = async (table: string): Promise<number> => {
      const row = await infra.knex
        .withSchema('names')
        .table(table)
        .count<{ n: string }>({ n: '*' })
        .first();
      return Number(row?.n ?? 0);
    };
    return {
      kind,
      infra,
      url: gateway.url,
      rpc: new RpcClient({
        bus: infra.bus,
        catalog: infra.catalog,
        prefix: infra.prefix,
        timeoutMs: 20_000,
      }),
      scenarios,
      scenario() {
        const hash = randomBytes(32).toString('hex');
        scenarios.known.add(hash);
        return hash;
      },
      async counts() {
        return {
          names: await count('scenario_names'),
          history: await count('scenario_name_history'),
          outbox: await count('outbox'),
        };
      },
      async historyRows(name) {
        const rows = await infra.knex
          .withSchema('names')
          .table('scenario_name_history')
          .where({ name })
          .orderBy('id')
          .select<Array<Omit<HistoryRow, 'id'> & { id: string }>>('*');
        return rows.map((row) => ({ ...row, id: Number(row.id) }));
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

/** A fresh valid label, unique to this call: `<prefix>-<10 hex>`. */
export function label(prefix = 'n'): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

/** A list the schema requires to be non-empty (minItems 1), typed as such. */
export function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('expected at least one item');
  return [first, ...rest];
}
