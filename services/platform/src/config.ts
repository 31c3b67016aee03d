import { resolve } from 'node:path';
import { readGatewaySettings, type GatewaySettings } from '@crucible/gateway';
import {
  EnvReader,
  readCommonEnv,
  type CommonEnv,
  type ConfiguredService,
  type ServiceDefinition,
} from '@crucible/runtime';
import { loadServiceDefinitions } from './registry';

/**
 * Configuration of the all-in-one process (the embedded default), read once
 * at start: the embedded-mode variables, and the gateway's and every
 * service's own settings read by their own readers, exactly as their own
 * processes read them (CommonEnv lists CRUCIBLE_PREFIX and LOG_LEVEL).
 */
export interface PlatformConfig extends CommonEnv {
  /** CRUCIBLE_DATA_DIR: folder of the embedded Postgres (default `.data/` in the checkout, ignored by git). */
  readonly dataDir: string;
  /** PORT, HOST, REQUEST_TIMEOUT_MS, BODY_LIMIT_BYTES (see GatewaySettings). */
  readonly gateway: GatewaySettings;
  /** Every registered service, in start order, with its settings read. */
  readonly services: readonly ConfiguredService[];
}

/** The checkout's root (same depth from src/ and dist/). */
const REPO_ROOT = resolve(__dirname, '../../..');

/** Reads the configuration; throws a ConfigError listing every problem, whoever's variable it is. */
export function readConfig(
  env: NodeJS.ProcessEnv,
  definitions: readonly ServiceDefinition[] = loadServiceDefinitions(),
): PlatformConfig {
  const reader = new EnvReader(env);
  const config: PlatformConfig = {
    ...readCommonEnv(reader),
    dataDir: resolve(reader.string('CRUCIBLE_DATA_DIR', resolve(REPO_ROOT, '.data'))),
    gateway: readGatewaySettings(reader),
    services: definitions.map((definition) => definition.configure(reader)),
  };
  reader.done();
  return config;
}
