import { readinessSubject, serviceQueue } from '@crucible/contracts';
import type { Bus, Subscription } from '../bus/bus';
import { decodeJson, encodeJson } from './codec';

/** What one part of a service (an event consumer, say) says about its readiness. */
export interface PartReadiness {
  /** e.g. `consumer names_projection` */
  readonly name: string;
  readonly ready: boolean;
  /** Why not, or what is measured (state, lag, restarts, last error). */
  readonly [detail: string]: unknown;
}

/** A service replica's answer on its readiness subject. */
export interface ServiceReadiness {
  readonly service: string;
  /** True when every part is ready. */
  readonly ready: boolean;
  readonly parts: readonly PartReadiness[];
}

/**
 * Answers `<prefix>.<service>._ready` with the service's readiness, built
 * by `report` at each request (one replica answers, as for operations).
 */
export function serveReadiness(
  bus: Bus,
  prefix: string,
  service: string,
  report: () => readonly PartReadiness[],
): Promise<Subscription> {
  return bus.serve(readinessSubject(prefix, service), { queue: serviceQueue(service) }, () => {
    const parts = report();
    const answer: ServiceReadiness = { service, ready: parts.every((p) => p.ready), parts };
    return Promise.resolve({ data: encodeJson(answer), headers: {} });
  });
}

/**
 * Asks a service whether it is ready. A service that does not answer (none
 * running, or too slow) is `unreachable`: not the same as one that answers
 * that it is not ready.
 */
export async function askReadiness(
  bus: Bus,
  prefix: string,
  service: string,
  timeoutMs: number,
): Promise<ServiceReadiness | { service: string; unreachable: string }> {
  try {
    const reply = await bus.request(readinessSubject(prefix, service), new Uint8Array(0), {
      timeoutMs,
    });
    return decodeJson(reply.data) as ServiceReadiness;
  } catch (error) {
    const reason = (error as { details?: { reason?: unknown } }).details?.reason;
    return { service, unreachable: typeof reason === 'string' ? reason : 'error' };
  }
}
