import { checkIr, IrInvalid, parseIr, serializeIr, withDefaults } from './ir';
import { IR_KINDS } from './ir-kinds';
import { compareSemver, parseSemver } from './semver';
import { fullExperiment, minimalExperiment } from './test-fixtures';

describe('defaults', () => {
  it('fills every default of an experiment, nested ones included', () => {
    const exp = withDefaults('experiment', {
      ...minimalExperiment(),
      dataset: { name: 'mmlu' },
      outputs: [{ name: 'report' }],
      reliability: { feedback: {}, stats: {} },
    });
    expect(exp.backend).toEqual({ id: 'gpt4', profile: 'default' });
    expect(exp.pipeline).toEqual([{ name: 'inference', enabled: true }]);
    expect(exp.dataset).toEqual({ name: 'mmlu', provider: 'crucible_datasets', split: 'train' });
    expect(exp.outputs).toEqual([{ name: 'report', formats: ['markdown'], sink: 'file' }]);
    expect(exp.reliability?.feedback).toEqual({
      enabled: false,
      sampling_rate: 1,
      feedback_types: ['thumbs', 'correction'],
      storage: 'postgres',
      anonymize_pii: true,
    });
    expect(exp.reliability?.stats).toMatchObject({ alpha: 0.05, confidence_level: 0.95 });
    // No default for what the IR leaves open.
    expect(exp.experiment_type).toBeUndefined();
  });

  it.each([
    ['model_ref', { id: 'm' }, { id: 'm', provider: 'local', framework: 'nx' }],
    [
      'model_version',
      { id: 'v', model_id: 'm', version: '1.0.0' },
      { id: 'v', model_id: 'm', version: '1.0.0', stage: 'development' },
    ],
    [
      'training_config',
      { id: 't', model_ref: { id: 'm' }, dataset_ref: { name: 'd' } },
      {
        id: 't',
        model_ref: { id: 'm', provider: 'local', framework: 'nx' },
        dataset_ref: { name: 'd', provider: 'crucible_datasets', split: 'train' },
        epochs: 1,
        batch_size: 32,
        learning_rate: 0.001,
        optimizer: 'adam',
        loss_function: 'cross_entropy',
        metrics: ['loss', 'accuracy'],
        device: 'cpu',
        mixed_precision: false,
      },
    ],
    [
      'deployment_config',
      { id: 'd', model_version_id: 'v' },
      {
        id: 'd',
        model_version_id: 'v',
        replicas: 1,
        environment: 'development',
        strategy: 'rolling',
      },
    ],
    [
      'deployment_status',
      { id: 's', deployment_id: 'd' },
      { id: 's', deployment_id: 'd', state: 'pending', health: 'unknown' },
    ],
    ['feedback_event', { id: 'e' }, { id: 'e', feedback_type: 'thumbs' }],
  ] as const)('%s', (kind, value, expected) => {
    expect(withDefaults(kind, value)).toEqual(expected);
  });

  it('fills a training run status of pending', () => {
    const run = withDefaults('training_run', {
      id: 'r',
      config: { id: 't', model_ref: { id: 'm' }, dataset_ref: { name: 'd' } },
    });
    expect(run.status).toBe('pending');
  });

  it('never changes the value it is given', () => {
    const value = minimalExperiment();
    const before = JSON.stringify(value);
    expect(checkIr('experiment', value).ok).toBe(true);
    expect(JSON.stringify(value)).toBe(before);
  });

  it('throws IrInvalid with every problem and the invalid_argument code', () => {
    let caught: unknown;
    try {
      withDefaults('model_version', { id: 'v', version: 'one' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(IrInvalid);
    const invalid = caught as IrInvalid;
    expect(invalid.code).toBe('invalid_argument');
    expect(invalid.problems.map((p) => p.path)).toEqual(['/model_id', '/version']);
  });
});

describe('serialization round trips', () => {
  it('a full experiment: serialize, parse, serialize gives the same text and value', () => {
    const text = serializeIr('experiment', fullExperiment());
    const parsed = parseIr('experiment', text);
    expect(serializeIr('experiment', parsed)).toBe(text);
    expect(parsed).toEqual(withDefaults('experiment', fullExperiment()));
    // What was given is kept: defaults only fill what is absent.
    expect(parsed).toMatchObject(fullExperiment() as unknown as Record<string, unknown>);
  });

  it('key order does not change the text', () => {
    const reordered = Object.fromEntries(Object.entries(fullExperiment()).reverse());
    expect(serializeIr('experiment', reordered as never)).toBe(
      serializeIr('experiment', fullExperiment()),
    );
  });

  const smallest: Record<string, unknown> = {
    backend_ref: { id: 'b', fallback: { id: 'c' } },
    dataset_ref: { name: 'd', format: 'parquet' },
    stage_def: { name: 's', enabled: false },
    output_spec: { name: 'o' },
    reliability_config: { hedging: { strategy: 'fixed', delay_ms: 50 } },
    model_ref: { id: 'm', task: 'qa' },
    model_version: { id: 'v', model_id: 'm', version: '2.0.0-beta.1', metrics: { f1: 0.5 } },
    training_config: { id: 't', model_ref: { id: 'm' }, dataset_ref: { name: 'd' }, seed: 7 },
    training_run: {
      id: 'r',
      config: { id: 't', model_ref: { id: 'm' }, dataset_ref: { name: 'd' } },
      status: 'completed',
      metrics_history: [{ epoch: 1, loss: 0.3 }],
      checkpoint_uris: ['s3://bucket/ckpt-1'],
    },
    deployment_config: { id: 'd', model_version_id: 'v', strategy: 'canary' },
    deployment_status: { id: 's', deployment_id: 'd', traffic_percent: 12.5 },
    feedback_event: { id: 'e', feedback_type: 'rating', feedback_value: 4, latency_ms: 120 },
    feedback_config: { enabled: true, retention_days: 30 },
    experiment: minimalExperiment(),
  };
  it.each(IR_KINDS.map((kind) => [kind]))('%s', (kind) => {
    const text = serializeIr(kind, smallest[kind] as never);
    expect(serializeIr(kind, parseIr(kind, text))).toBe(text);
    expect(parseIr(kind, text)).toMatchObject(smallest[kind] as Record<string, unknown>);
  });

  it('parseIr refuses text that is not JSON, and invalid IR', () => {
    expect(() => parseIr('experiment', '{')).toThrow(IrInvalid);
    try {
      parseIr('experiment', '{');
    } catch (error) {
      expect((error as IrInvalid).problems).toEqual([
        expect.objectContaining({ path: '', reason: 'malformed_json' }),
      ]);
    }
    expect(() => parseIr('experiment', '{"id":"x"}')).toThrow(/\/backend missing_field/);
  });
});

describe('semver', () => {
  it('parses and orders versions by semver precedence', () => {
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.2.0',
      '2.0.0',
    ];
    const parsed = order.map((v) => parseSemver(v)!);
    for (let i = 0; i + 1 < parsed.length; i++) {
      expect(compareSemver(parsed[i]!, parsed[i + 1]!)).toBe(-1);
      expect(compareSemver(parsed[i + 1]!, parsed[i]!)).toBe(1);
    }
    expect(compareSemver(parseSemver('1.0.0+a')!, parseSemver('1.0.0+b')!)).toBe(0);
    expect(parseSemver('1.0')).toBeUndefined();
    expect(parseSemver('1.0.0+build.7')).toEqual({
      major: 1,
      minor: 0,
      patch: 0,
      prerelease: [],
      build: 'build.7',
    });
  });
});
