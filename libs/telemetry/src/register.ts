// Side-effect entry: `import '@crucible/telemetry/register'` as the first import
// of a process's main (or `node -r @crucible/telemetry/register main.js`), so the
// instrumentations exist before express, pg or knex are loaded. The main then
// gets the same handle from `initTelemetry({ serviceName })` to shut it down.
import { TelemetryConfigError } from './errors';
import { initTelemetry } from './init-telemetry';
import { readTelemetryConfig } from './telemetry-config';

const { serviceName } = readTelemetryConfig(process.env);
if (serviceName === undefined) {
  throw new TelemetryConfigError(
    'OTEL_SERVICE_NAME',
    'OTEL_SERVICE_NAME must be set when loading @crucible/telemetry/register',
  );
}
initTelemetry({ serviceName });
