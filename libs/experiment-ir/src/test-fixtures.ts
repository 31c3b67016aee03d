import type { Experiment } from '@crucible/contracts';

/** A smallest valid experiment: id, backend and a one-stage pipeline. */
export function minimalExperiment(): Experiment {
  return { id: 'qa_eval', backend: { id: 'gpt4' }, pipeline: [{ name: 'inference' }] };
}

/** An experiment using every part of the IR (training, registry, reliability, feedback). */
export function fullExperiment(): Experiment {
  return {
    id: 'full_exp',
    description: 'every field',
    owner: 'alice',
    tags: ['nightly', 'qa'],
    metadata: { team: 'eval' },
    experiment_type: 'comparison',
    backend: {
      id: 'primary',
      profile: 'fast',
      model_version: '1.2.0',
      endpoint_url: 'https://models.example/v1',
      deployment_id: 'deploy_prod',
      fallback: { id: 'secondary' },
    },
    pipeline: [
      { name: 'inference', module: 'Crucible.Stage.Inference', options: { temperature: 0 } },
      { name: 'scoring', enabled: false },
    ],
    dataset: { name: 'mmlu', split: 'test', version: '2024-01', format: 'jsonl' },
    outputs: [{ name: 'report', formats: ['markdown', 'json'], sink: 'stdout' }],
    reliability: {
      ensemble: { strategy: 'weighted', models: [{ id: 'a' }, { id: 'b' }] },
      hedging: { strategy: 'percentile', percentile: 95 },
      guardrails: { pii_detection: true },
      stats: { alpha: 0.01 },
      fairness: { enabled: true, group_by: 'region' },
      monitoring: { interval_s: 60 },
      drift: { method: 'psi' },
      circuit_breaker: { failure_threshold: 5 },
      feedback: { enabled: true, sampling_rate: 0.1 },
    },
    model_version: {
      id: 'v1_2_0',
      model_id: 'gpt2_base',
      version: '1.2.0',
      stage: 'staging',
      metrics: { accuracy: 0.91 },
      parent_version: '1.1.0',
    },
    training_config: {
      id: 'train_gpt2',
      model_ref: { id: 'gpt2', provider: 'huggingface' },
      dataset_ref: { name: 'wikitext' },
      epochs: 3,
      validation_split: 0.1,
    },
    baseline: { id: 'gpt2_base', version: '1.0.0' },
    created_at: '2026-01-01T00:00:00Z',
  };
}
