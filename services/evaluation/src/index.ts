export { service } from './definition';
export { startEvaluationService, SERVICE_NAME, SERVICE_VERSION } from './service';
export {
  DEFAULT_EVALUATION_SETTINGS,
  readEvaluationSettings,
  type EvaluationSettings,
} from './config';
