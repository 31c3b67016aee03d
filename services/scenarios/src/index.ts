export { service } from './definition';
export { startScenariosService, SERVICE_NAME, SERVICE_VERSION } from './service';
export {
  DEFAULT_SCENARIOS_SETTINGS,
  readScenariosSettings,
  type ScenariosSettings,
} from './config';
export { MAX_SCENARIO_BYTES } from './domain/scenario-rules';
