// Imported first by main.ts: instrumentations patch http and pg only when
// registered before those modules load.
import { initTelemetry } from '@crucible/telemetry';

export const telemetry = initTelemetry({
  serviceName: process.env.OTEL_SERVICE_NAME || 'governance',
});
