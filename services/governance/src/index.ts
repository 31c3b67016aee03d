export { service } from './definition';
export { startGovernanceService, SERVICE_NAME, SERVICE_VERSION } from './service';
export {
  DEFAULT_GOVERNANCE_SETTINGS,
  readGovernanceSettings,
  type GovernanceSettings,
} from './config';
// The pure policy engine, for benches and for services that want to explain
// a decision the same way (docs/services/governance.md, "Policy").
export { decide, policyHash } from './domain/decision-record';
export { DEFAULT_POLICY, evaluatePolicy, outcomeOf } from './domain/policy-engine';
export { offlineEmbedding } from './domain/offline-embedder';
