import type {
  BackendRef,
  DatasetRef,
  EnsembleConfig,
  Experiment,
  ExperimentType,
  FairnessConfig,
  FeedbackConfig,
  GuardrailConfig,
  HedgingConfig,
  ModelRef,
  ModelVersion,
  OutputSpec,
  ReliabilityConfig,
  StageDef,
  StatsConfig,
  TrainingConfig,
} from '@crucible/contracts';
import { withDefaults } from './ir';

/** An experiment under construction: every field optional until `build` checks it. */
type Draft = { -readonly [K in keyof Experiment]?: Experiment[K] };

/**
 * Builds an experiment step by step. Each step returns a new builder (a
 * builder can be shared and branched); `build` checks the result against the
 * IR's rules and fills the defaults in, throwing IrInvalid with every problem.
 *
 * ```ts
 * const exp = experiment('qa_eval').backend('gpt4').stage('inference').stage('scoring').build();
 * ```
 */
export class ExperimentBuilder {
  private constructor(private readonly draft: Readonly<Draft>) {}

  /** Starts an experiment with its id. */
  static create(id: string): ExperimentBuilder {
    return new ExperimentBuilder({ id });
  }

  /** The backend to evaluate (replaces any earlier one). */
  backend(id: string, rest: Omit<BackendRef, 'id'> = {}): ExperimentBuilder {
    return this.with({ backend: { id, ...rest } });
  }

  /** Appends a stage to the pipeline. */
  stage(name: string, rest: Omit<StageDef, 'name'> = {}): ExperimentBuilder {
    const pipeline = [...(this.draft.pipeline ?? []), { name, ...rest }];
    return this.with({ pipeline: pipeline as Experiment['pipeline'] });
  }

  dataset(name: string, rest: Omit<DatasetRef, 'name'> = {}): ExperimentBuilder {
    return this.with({ dataset: { name, ...rest } });
  }

  /** Appends an output. */
  output(name: string, rest: Omit<OutputSpec, 'name'> = {}): ExperimentBuilder {
    return this.with({ outputs: [...(this.draft.outputs ?? []), { name, ...rest }] });
  }

  description(text: string): ExperimentBuilder {
    return this.with({ description: text });
  }

  owner(owner: string): ExperimentBuilder {
    return this.with({ owner });
  }

  /** Adds tags (kept once each, in first-seen order). */
  tags(...tags: string[]): ExperimentBuilder {
    return this.with({ tags: [...new Set([...(this.draft.tags ?? []), ...tags])] });
  }

  metadata(metadata: Record<string, unknown>): ExperimentBuilder {
    return this.with({ metadata: { ...this.draft.metadata, ...metadata } });
  }

  experimentType(type: ExperimentType): ExperimentBuilder {
    return this.with({ experiment_type: type });
  }

  /** The model version under evaluation. */
  modelVersion(version: ModelVersion): ExperimentBuilder {
    return this.with({ model_version: version });
  }

  /** The training configuration of a training experiment (also sets experiment_type to training unless set). */
  trainingConfig(config: TrainingConfig): ExperimentBuilder {
    return this.with({
      training_config: config,
      experiment_type: this.draft.experiment_type ?? 'training',
    });
  }

  /** The model to compare against: a ModelRef, or just its id. */
  baseline(model: ModelRef | string): ExperimentBuilder {
    return this.with({ baseline: typeof model === 'string' ? { id: model } : model });
  }

  /** Merges reliability settings into those set so far (a part given replaces that part). */
  reliability(config: ReliabilityConfig): ExperimentBuilder {
    return this.with({ reliability: { ...this.draft.reliability, ...config } });
  }

  ensemble(config: EnsembleConfig): ExperimentBuilder {
    return this.reliability({ ensemble: config });
  }

  hedging(config: HedgingConfig): ExperimentBuilder {
    return this.reliability({ hedging: config });
  }

  guardrails(config: GuardrailConfig): ExperimentBuilder {
    return this.reliability({ guardrails: config });
  }

  stats(config: StatsConfig): ExperimentBuilder {
    return this.reliability({ stats: config });
  }

  fairness(config: FairnessConfig): ExperimentBuilder {
    return this.reliability({ fairness: config });
  }

  /** Feedback collection (reliability.feedback). */
  feedback(config: FeedbackConfig): ExperimentBuilder {
    return this.reliability({ feedback: config });
  }

  /** The experiment as built so far, unchecked (what `build` would check). */
  toDraft(): Readonly<Draft> {
    return JSON.parse(JSON.stringify(this.draft)) as Draft;
  }

  /** The checked experiment with its defaults; throws IrInvalid listing every problem. */
  build(): Experiment {
    return withDefaults('experiment', this.draft);
  }

  private with(change: Draft): ExperimentBuilder {
    return new ExperimentBuilder({ ...this.draft, ...change });
  }
}

/** Starts building an experiment (see ExperimentBuilder). */
export function experiment(id: string): ExperimentBuilder {
  return ExperimentBuilder.create(id);
}
