import { telemetry } from './tracing'; // first: see tracing.ts
import { runMain, type Stoppable } from '@crucible/runtime';
import { createLogger } from '@crucible/telemetry';
import { readConfig } from './config';
import { startPlatform } from './platform';

/** `npm start` without DATABASE_URL/NATS_URL/KAFKA_BROKERS: everything in this process. */
export async function start(env: NodeJS.ProcessEnv = process.env): Promise<Stoppable> {
  const config = readConfig(env);
  const logger = createLogger({ service: 'crucible', level: config.logLevel });
  const platform = await startPlatform(config, logger);
  process.stdout.write(
    `\nCrucible is running (embedded default, data in ${config.dataDir})\n` +
      `  HTTP API  ${platform.gateway.url}/v1/...   (OpenAPI: ${platform.gateway.url}/openapi.json)\n` +
      `  MCP       ${platform.gateway.url}/mcp\n` +
      `  health    ${platform.gateway.url}/health, ${platform.gateway.url}/ready\n` +
      `Stop with Ctrl+C.\n\n`,
  );
  return {
    async stop() {
      await platform.stop();
      await telemetry.shutdown();
    },
  };
}

if (require.main === module) {
  runMain(() => start(), createLogger({ service: 'crucible' }));
}
