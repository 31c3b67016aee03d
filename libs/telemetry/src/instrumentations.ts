import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';

/**
 * The auto-instrumentations every process loads. They patch `http`, `express`
 * and `pg` when those modules are required, so they must exist before the
 * service's own imports (see docs/telemetry.md).
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation(),
    new ExpressInstrumentation(),
    new PgInstrumentation({
      // Query text only, never bound parameter values: they carry user data.
      enhancedDatabaseReporting: false,
      // Pool housekeeping and pollers outside any request would otherwise each start a trace.
      requireParentSpan: true,
    }),
  ];
}
