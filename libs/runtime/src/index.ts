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
