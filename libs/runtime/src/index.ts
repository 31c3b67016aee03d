export { readCommonEnv, type CommonEnv } from './common-env';
export { ConfigError, EnvReader } from './env';
export {
  MIGRATIONS_ROOT,
  SOLE_WRITER_IDLE_POLL_MS,
  connectInfrastructure,
  openEmbeddedInfrastructure,
  type EmbeddedInfrastructureConfig,
  type Infrastructure,
  type RealInfrastructureConfig,
} from './infrastructure';
export { natsConnectOptions, readNatsCredentials, type NatsCredentials } from './nats-credentials';
export {
  callCost,
  DEFAULT_PRICE_TABLE,
  parsePriceTable,
  priceOf,
  readPriceTable,
  type ModelPrice,
  type PriceTable,
} from './price-table';
export { GovernanceClient } from './governance-client';
export { IdleSlots } from './idle-slots';
export { runMain, type Stoppable } from './run-main';
export {
  migrateServiceSchema,
  prepareService,
  serve,
  type ServiceCore,
  type ServiceSchema,
  type Startable,
} from './service-core';
export {
  defineService,
  isServiceDefinition,
  type ConfiguredService,
  type ServiceDefinition,
  type ServiceSpec,
} from './service-definition';
export {
  readServiceEnv,
  readServiceProcessConfig,
  startServiceProcess,
  type ServiceEnv,
  type ServiceProcessConfig,
} from './service-process';
