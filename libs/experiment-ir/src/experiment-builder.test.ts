import { experiment } from './experiment-builder';
import { IrInvalid, serializeIr, withDefaults } from './ir';

describe('ExperimentBuilder', () => {
  it('builds a valid experiment with defaults filled in', () => {
    const exp = experiment('qa_eval')
      .description('QA on MMLU')
      .backend('gpt4', { profile: 'fast' })
      .stage('inference')
      .stage('scoring', { enabled: false })
      .dataset('mmlu', { split: 'test' })
      .output('report', { formats: ['json'] })
      .tags('qa', 'nightly', 'qa')
      .metadata({ team: 'eval' })
      .build();
    expect(exp).toEqual({
      id: 'qa_eval',
      description: 'QA on MMLU',
      backend: { id: 'gpt4', profile: 'fast' },
      pipeline: [
        { name: 'inference', enabled: true },
        { name: 'scoring', enabled: false },
      ],
      dataset: { name: 'mmlu', split: 'test', provider: 'crucible_datasets' },
      outputs: [{ name: 'report', formats: ['json'], sink: 'file' }],
      tags: ['qa', 'nightly'],
      metadata: { team: 'eval' },
    });
  });

  it('sets the lifecycle fields: type, model version, training config, baseline, feedback', () => {
    const exp = experiment('train_gpt2')
      .backend('local')
      .stage('train')
      .trainingConfig({
        id: 't',
        model_ref: { id: 'gpt2' },
        dataset_ref: { name: 'wikitext' },
        epochs: 3,
      })
      .modelVersion({ id: 'v1', model_id: 'gpt2', version: '1.0.0' })
      .baseline('gpt2_base')
      .feedback({ enabled: true, sampling_rate: 0.1 })
      .stats({ alpha: 0.01 })
      .build();
    expect(exp.experiment_type).toBe('training');
    expect(exp.training_config?.epochs).toBe(3);
    expect(exp.training_config?.batch_size).toBe(32);
    expect(exp.model_version?.stage).toBe('development');
    expect(exp.baseline).toEqual({ id: 'gpt2_base', provider: 'local', framework: 'nx' });
    expect(exp.reliability?.feedback?.sampling_rate).toBe(0.1);
    expect(exp.reliability?.stats?.alpha).toBe(0.01);
  });

  it('keeps an experiment type set before the training config', () => {
    const exp = experiment('e')
      .experimentType('ablation')
      .backend('b')
      .stage('s')
      .trainingConfig({ id: 't', model_ref: { id: 'm' }, dataset_ref: { name: 'd' } })
      .build();
    expect(exp.experiment_type).toBe('ablation');
  });

  it('each step returns a new builder: a shared prefix can branch', () => {
    const base = experiment('e').backend('b').stage('s1');
    const a = base.stage('a').build();
    const b = base.stage('b').build();
    expect(a.pipeline.map((s) => s.name)).toEqual(['s1', 'a']);
    expect(b.pipeline.map((s) => s.name)).toEqual(['s1', 'b']);
  });

  it('build refuses an incomplete experiment, naming every missing field', () => {
    expect(() => experiment('e').build()).toThrow(IrInvalid);
    try {
      experiment('e').feedback({ sampling_rate: 2 }).build();
    } catch (error) {
      expect((error as IrInvalid).problems.map((p) => [p.path, p.reason])).toEqual([
        ['/backend', 'missing_field'],
        ['/pipeline', 'missing_field'],
        ['/reliability/feedback/sampling_rate', 'out_of_range'],
      ]);
    }
  });

  it('what it builds round-trips through serialization', () => {
    const exp = experiment('e')
      .backend('b')
      .stage('s')
      .baseline({ id: 'm', version: '1.0.0' })
      .build();
    expect(withDefaults('experiment', JSON.parse(serializeIr('experiment', exp)))).toEqual(exp);
    expect(experiment('e').backend('b').toDraft()).toEqual({ id: 'e', backend: { id: 'b' } });
  });
});
