export {
  startScenariosService,
  SERVICE_NAME,
  SERVICE_VERSION,
  type ScenariosServiceOptions,
} from './service';
export { readConfig, type ScenariosConfig } from './config';
export { MAX_SCENARIO_BYTES } from './domain/scenario-rules';
