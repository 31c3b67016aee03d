export { ConfigError, EnvReader } from './env';
export {
  MIGRATIONS_ROOT,
  connectInfrastructure,
  openEmbeddedInfrastructure,
  type EmbeddedInfrastructureConfig,
  type Infrastructure,
  type RealInfrastructureConfig,
} from './infrastructure';
export { runMain, type Stoppable } from './run-main';
export {
  migrateServiceSchema,
  prepareService,
  serve,
  type ServiceCore,
  type ServiceSchema,
  type Startable,
} from './service-core';
export { readServiceEnv, startServiceProcess, type ServiceEnv } from './service-process';
