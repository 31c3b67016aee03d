export { service } from './definition';
export { startGovernanceService, SERVICE_NAME, SERVICE_VERSION } from './service';
export {
  DEFAULT_GOVERNANCE_SETTINGS,
  readGovernanceSettings,
  type GovernanceSettings,
} from './config';
