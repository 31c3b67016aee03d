import { unavailable } from '@crucible/contracts';
import { RpcServer } from '@crucible/messaging';
import type { Infrastructure } from '@crucible/runtime';

/**
 * Our own small scenarios service for the names tests: check_scenarios
 * answers from `known`; every other scenarios operation is `unavailable`.
 * Stopped, nobody answers (no_responders); `hold` makes it answer late.
 */
export class ScenariosStandIn {
  /** Hashes that exist as scenarios. */
  readonly known = new Set<string>();
  /** check_scenarios calls answered so far. */
  checks = 0;
  /** When set, check_scenarios waits for it before answering. */
  hold: Promise<void> | undefined;
  private server: RpcServer | undefined;

  constructor(private readonly infra: Infrastructure) {}

  async start(): Promise<void> {
    if (this.server) return;
    const { catalog, bus, prefix, logger } = this.infra;
    const server = new RpcServer({
      bus,
      catalog,
      prefix,
      service: { name: 'scenarios', version: 'stand-in' },
      logger,
    });
    for (const op of catalog.operationsOf('scenarios')) {
      server.handle(op.name, () =>
        Promise.reject(unavailable('the stand-in answers check_scenarios only')),
      );
    }
    server.handle('check_scenarios', async ({ hashes }) => {
      await this.hold;
      this.checks += 1;
      return {
        found: hashes.filter((h) => this.known.has(h)),
        missing: hashes.filter((h) => !this.known.has(h)),
      };
    });
    await server.start();
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }
}
