// Public entry of @crucible/experiment-ir: the experiment IR's kinds, its
// validation (every problem with its JSON path), defaults, serialization and
// builder (docs/experiment-ir.md). The types are generated from
// schemas/evaluation/ir into @crucible/contracts and re-exported here, so a
// client needs only this package.
export type {
  BackendRef,
  DatasetRef,
  DatasetFormat,
  DeploymentConfig,
  DeploymentHealth,
  DeploymentState,
  DeploymentStatus,
  EnsembleConfig,
  Experiment,
  ExperimentType,
  FairnessConfig,
  FeedbackConfig,
  FeedbackEvent,
  GuardrailConfig,
  HedgingConfig,
  ModelMetrics,
  ModelRef,
  ModelStage,
  ModelVersion,
  OutputSpec,
  ReliabilityConfig,
  StageDef,
  StatsConfig,
  TrainingConfig,
  TrainingRun,
  TrainingRunStatus,
} from '@crucible/contracts';
export { IR_KINDS, irSchemaFile, type IrKind, type IrTypes } from './ir-kinds';
export { IrValidator, type IrProblem } from './ir-validator';
export {
  checkIr,
  IrInvalid,
  parseIr,
  serializeIr,
  validateExperiment,
  validateIr,
  withDefaults,
  type IrResult,
} from './ir';
export { ExperimentBuilder, experiment } from './experiment-builder';
export { compareSemver, parseSemver, type Semver } from './semver';
