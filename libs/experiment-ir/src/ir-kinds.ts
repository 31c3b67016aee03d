import type {
  BackendRef,
  DatasetRef,
  DeploymentConfig,
  DeploymentStatus,
  Experiment,
  FeedbackConfig,
  FeedbackEvent,
  ModelRef,
  ModelVersion,
  OutputSpec,
  ReliabilityConfig,
  StageDef,
  TrainingConfig,
  TrainingRun,
} from '@crucible/contracts';

/** Every top-level IR type, by the kind name used in validation and serialization. */
export interface IrTypes {
  experiment: Experiment;
  backend_ref: BackendRef;
  dataset_ref: DatasetRef;
  stage_def: StageDef;
  output_spec: OutputSpec;
  reliability_config: ReliabilityConfig;
  model_ref: ModelRef;
  model_version: ModelVersion;
  training_config: TrainingConfig;
  training_run: TrainingRun;
  deployment_config: DeploymentConfig;
  deployment_status: DeploymentStatus;
  feedback_event: FeedbackEvent;
  feedback_config: FeedbackConfig;
}

export type IrKind = keyof IrTypes;

/** The kinds, in the order docs/experiment-ir.md lists them. */
export const IR_KINDS: readonly IrKind[] = [
  'experiment',
  'backend_ref',
  'dataset_ref',
  'stage_def',
  'output_spec',
  'reliability_config',
  'model_ref',
  'model_version',
  'training_config',
  'training_run',
  'deployment_config',
  'deployment_status',
  'feedback_event',
  'feedback_config',
];

/** The schema file of a kind, relative to schemas/ (each kind is one file of schemas/evaluation/ir). */
export function irSchemaFile(kind: IrKind): string {
  return `evaluation/ir/${kind}.v1.json`;
}
