import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';

/**
 * Names the route of the HTTP request being served, for its server span
 * (`http.route`, and the span name), as express's instrumentation does for
 * its route layers. Does nothing when no HTTP server span is active.
 */
export function recordHttpRoute(route: string): void {
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = route;
}
