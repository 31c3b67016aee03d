import { askReadiness, type Bus, type ServiceReadiness } from '@crucible/messaging';
import type { Catalog } from '@crucible/contracts';

/** How long `/ready` waits for each service's answer. */
export const READINESS_TIMEOUT_MS = 1_000;

/** The body of `/ready`: 200 when `status` is `ready`, 503 otherwise. */
export interface Readiness {
  readonly status: 'ready' | 'not_ready';
  /** Why not: `starting_or_draining`, `bus_disconnected` or `service_not_ready`. */
  readonly reason?: string;
  /** Each service's answer (its consumers' state and lag), or why it gave none. */
  readonly services?: ReadonlyArray<ServiceReadiness | { service: string; unreachable: string }>;
}

/**
 * Whether the gateway should take traffic: not while starting or draining,
 * not while its NATS connection is down (every request would fail), and not
 * while a service answers that it is not ready (an event consumer down or
 * too far behind: docs/architecture.md, "What happens on failure"). A
 * service that does not answer at all is reported but does not make the
 * gateway unready: requests to it fail at once with 503 `no_responders`,
 * and the gateway itself still serves the others.
 */
export async function gatewayReadiness(
  infra: { bus: Bus; catalog: Catalog; prefix: string },
  options: { accepting: boolean; timeoutMs: number },
): Promise<Readiness> {
  if (!options.accepting) return { status: 'not_ready', reason: 'starting_or_draining' };
  if (!infra.bus.connected) return { status: 'not_ready', reason: 'bus_disconnected' };
  const names = [...new Set([...infra.catalog.operations.values()].map((op) => op.service))].sort();
  const services = await Promise.all(
    names.map((service) => askReadiness(infra.bus, infra.prefix, service, options.timeoutMs)),
  );
  // The connection may have dropped while we asked.
  if (!infra.bus.connected) return { status: 'not_ready', reason: 'bus_disconnected', services };
  const unready = services.some((answer) => 'ready' in answer && !answer.ready);
  return unready
    ? { status: 'not_ready', reason: 'service_not_ready', services }
    : { status: 'ready', services };
}
