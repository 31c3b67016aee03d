import { validateExperiment, validateIr } from './ir';
import type { IrKind } from './ir-kinds';
import { minimalExperiment } from './test-fixtures';

const trainingConfig = { id: 't', model_ref: { id: 'm' }, dataset_ref: { name: 'd' } };

/** The smallest valid value of each kind: each rule below breaks one field of it. */
const VALID: Record<IrKind, Record<string, unknown>> = {
  experiment: minimalExperiment() as unknown as Record<string, unknown>,
  backend_ref: { id: 'gpt4' },
  dataset_ref: { name: 'mmlu' },
  stage_def: { name: 'inference' },
  output_spec: { name: 'report' },
  reliability_config: {},
  model_ref: { id: 'gpt2' },
  model_version: { id: 'v1', model_id: 'gpt2', version: '1.0.0' },
  training_config: trainingConfig,
  training_run: { id: 'r1', config: trainingConfig },
  deployment_config: { id: 'd1', model_version_id: 'v1' },
  deployment_status: { id: 's1', deployment_id: 'd1' },
  feedback_event: { id: 'evt_123' },
  feedback_config: {},
};

function without(value: Record<string, unknown>, field: string): Record<string, unknown> {
  const copy = { ...value };
  delete copy[field];
  return copy;
}

describe('every IR kind: the smallest value is valid', () => {
  it.each(Object.keys(VALID) as IrKind[])('%s', (kind) => {
    expect(validateIr(kind, VALID[kind])).toEqual([]);
  });
});

describe('required fields (missing_field at the field path)', () => {
  const cases: Array<[IrKind, string]> = [
    ['experiment', 'id'],
    ['experiment', 'backend'],
    ['experiment', 'pipeline'],
    ['backend_ref', 'id'],
    ['dataset_ref', 'name'],
    ['stage_def', 'name'],
    ['output_spec', 'name'],
    ['model_ref', 'id'],
    ['model_version', 'id'],
    ['model_version', 'model_id'],
    ['model_version', 'version'],
    ['training_config', 'id'],
    ['training_config', 'model_ref'],
    ['training_config', 'dataset_ref'],
    ['training_run', 'id'],
    ['training_run', 'config'],
    ['deployment_config', 'id'],
    ['deployment_config', 'model_version_id'],
    ['deployment_status', 'id'],
    ['deployment_status', 'deployment_id'],
    ['feedback_event', 'id'],
  ];
  it.each(cases)('%s needs %s', (kind, field) => {
    expect(validateIr(kind, without(VALID[kind], field))).toEqual([
      expect.objectContaining({ path: `/${field}`, reason: 'missing_field' }),
    ]);
  });
});

describe('value rules (reason and JSON path)', () => {
  const cases: Array<[string, IrKind, Record<string, unknown>, string, string]> = [
    ['an empty pipeline', 'experiment', { pipeline: [] }, '/pipeline', 'too_few_items'],
    [
      'an unknown experiment_type',
      'experiment',
      { experiment_type: 'x' },
      '/experiment_type',
      'invalid_enum',
    ],
    ['an unknown field', 'experiment', { colour: 'red' }, '/colour', 'unknown_field'],
    ['an id with a space', 'experiment', { id: 'a b' }, '/id', 'invalid_id'],
    ['repeated tags', 'experiment', { tags: ['a', 'a'] }, '/tags', 'invalid_value'],
    [
      'a stage without a name',
      'experiment',
      { pipeline: [{ name: 's' }, {}] },
      '/pipeline/1/name',
      'missing_field',
    ],
    [
      'a fallback without an id',
      'experiment',
      { backend: { id: 'b', fallback: {} } },
      '/backend/fallback/id',
      'missing_field',
    ],
    [
      'a model version that is not semver',
      'model_version',
      { version: '1.0' },
      '/version',
      'invalid_semver',
    ],
    [
      'a model version with a leading zero',
      'model_version',
      { version: '01.0.0' },
      '/version',
      'invalid_semver',
    ],
    ['an unknown stage', 'model_version', { stage: 'retired' }, '/stage', 'invalid_enum'],
    [
      'a model ref version that is not semver',
      'model_ref',
      { version: 'latest' },
      '/version',
      'invalid_semver',
    ],
    [
      'a provider that is not a symbol',
      'model_ref',
      { provider: 'Hugging Face' },
      '/provider',
      'invalid_symbol',
    ],
    ['zero epochs', 'training_config', { epochs: 0 }, '/epochs', 'out_of_range'],
    ['fractional epochs', 'training_config', { epochs: 1.5 }, '/epochs', 'wrong_type'],
    ['zero batch_size', 'training_config', { batch_size: 0 }, '/batch_size', 'out_of_range'],
    [
      'zero learning_rate',
      'training_config',
      { learning_rate: 0 },
      '/learning_rate',
      'out_of_range',
    ],
    [
      'negative learning_rate',
      'training_config',
      { learning_rate: -0.1 },
      '/learning_rate',
      'out_of_range',
    ],
    [
      'validation_split of 1',
      'training_config',
      { validation_split: 1 },
      '/validation_split',
      'out_of_range',
    ],
    ['an unknown run status', 'training_run', { status: 'paused' }, '/status', 'invalid_enum'],
    [
      'a run config without epochs rule',
      'training_run',
      { config: { ...trainingConfig, epochs: 0 } },
      '/config/epochs',
      'out_of_range',
    ],
    ['zero replicas', 'deployment_config', { replicas: 0 }, '/replicas', 'out_of_range'],
    [
      'an unknown deployment state',
      'deployment_status',
      { state: 'sleeping' },
      '/state',
      'invalid_enum',
    ],
    ['an unknown health', 'deployment_status', { health: 'fine' }, '/health', 'invalid_enum'],
    [
      'sampling_rate above 1',
      'feedback_config',
      { sampling_rate: 1.5 },
      '/sampling_rate',
      'out_of_range',
    ],
    [
      'sampling_rate below 0',
      'feedback_config',
      { sampling_rate: -0.1 },
      '/sampling_rate',
      'out_of_range',
    ],
    ['an unknown dataset format', 'dataset_ref', { format: 'xlsx' }, '/format', 'invalid_enum'],
    ['an output with no formats', 'output_spec', { formats: [] }, '/formats', 'too_few_items'],
    [
      'a stats alpha of 1',
      'reliability_config',
      { stats: { alpha: 1 } },
      '/stats/alpha',
      'out_of_range',
    ],
    [
      'a fairness threshold above 1',
      'reliability_config',
      { fairness: { threshold: 2 } },
      '/fairness/threshold',
      'out_of_range',
    ],
    [
      'an unknown ensemble strategy',
      'reliability_config',
      { ensemble: { strategy: 'vote' } },
      '/ensemble/strategy',
      'invalid_enum',
    ],
    [
      'feedback sampling above 1',
      'reliability_config',
      { feedback: { sampling_rate: 2 } },
      '/feedback/sampling_rate',
      'out_of_range',
    ],
    [
      'an artifact uri without scheme',
      'model_ref',
      { artifact_uri: 'models/gpt2' },
      '/artifact_uri',
      'invalid_uri',
    ],
  ];
  it.each(cases)('%s', (_name, kind, change, path, reason) => {
    expect(validateIr(kind, { ...VALID[kind], ...change })).toEqual([
      expect.objectContaining({ path, reason }),
    ]);
  });

  it('accepts the edges of the closed ranges', () => {
    expect(validateIr('feedback_config', { sampling_rate: 0 })).toEqual([]);
    expect(validateIr('feedback_config', { sampling_rate: 1 })).toEqual([]);
    expect(
      validateIr('model_version', { ...VALID.model_version, version: '1.0.0-rc.1+build.5' }),
    ).toEqual([]);
    expect(validateIr('training_config', { ...trainingConfig, learning_rate: 1e-9 })).toEqual([]);
  });
});

describe('validateExperiment', () => {
  it('reports every problem at once, in document order, each with its path', () => {
    const problems = validateExperiment({
      id: 'e',
      backend: {},
      pipeline: [],
      training_config: { ...trainingConfig, epochs: 0, batch_size: -1 },
    });
    expect(problems.map((p) => [p.path, p.reason])).toEqual([
      ['/backend/id', 'missing_field'],
      ['/pipeline', 'too_few_items'],
      ['/training_config/epochs', 'out_of_range'],
      ['/training_config/batch_size', 'out_of_range'],
    ]);
    for (const problem of problems) expect(problem.message).toEqual(expect.any(String));
  });

  it('refuses what is not an object', () => {
    expect(validateExperiment('exp')).toEqual([
      expect.objectContaining({ path: '', reason: 'wrong_type' }),
    ]);
    expect(validateExperiment(undefined)).toEqual([
      expect.objectContaining({ path: '', reason: 'wrong_type' }),
    ]);
  });
});
