import {
  deploymentEndpoint,
  deploymentTransitionAllowed,
  isServing,
  stageTransitionAllowed,
  trainingFinal,
  trainingTransitionAllowed,
} from './lifecycle';

describe('training run transitions', () => {
  it('move forward only; a running run may report progress; the ends are final', () => {
    expect(trainingTransitionAllowed('pending', 'running')).toBe(true);
    expect(trainingTransitionAllowed('running', 'running')).toBe(true);
    expect(trainingTransitionAllowed('running', 'completed')).toBe(true);
    expect(trainingTransitionAllowed('pending', 'completed')).toBe(false);
    expect(trainingTransitionAllowed('running', 'pending')).toBe(false);
    for (const end of ['completed', 'failed', 'cancelled'] as const) {
      expect(trainingFinal(end)).toBe(true);
      expect(trainingTransitionAllowed(end, end)).toBe(false);
      expect(trainingTransitionAllowed(end, 'running')).toBe(false);
    }
  });
});

describe('deployment transitions', () => {
  it('roll out again from serving or failed; terminated is final; serving is active or degraded', () => {
    expect(deploymentTransitionAllowed('active', 'deploying')).toBe(true);
    expect(deploymentTransitionAllowed('failed', 'deploying')).toBe(true);
    expect(deploymentTransitionAllowed('failed', 'active')).toBe(false);
    expect(deploymentTransitionAllowed('deploying', 'pending')).toBe(false);
    expect(deploymentTransitionAllowed('terminated', 'terminated')).toBe(false);
    expect(deploymentTransitionAllowed('terminated', 'active')).toBe(false);
    expect(['active', 'degraded'].filter((s) => isServing(s as never))).toEqual([
      'active',
      'degraded',
    ]);
    expect(isServing('pending')).toBe(false);
  });
});

describe('deploymentEndpoint', () => {
  it("takes the status's URL first, the config's next, and the model name or the model's id", () => {
    const config = { endpoint: { base_url: 'http://config/v1', model: 'served' } };
    expect(deploymentEndpoint(config, { endpoint_url: 'http://status/v1' }, 'm')).toEqual({
      endpoint: { base_url: 'http://status/v1', model: 'served' },
    });
    expect(deploymentEndpoint(config, {}, 'm')).toEqual({
      endpoint: { base_url: 'http://config/v1', model: 'served' },
    });
    expect(deploymentEndpoint({}, {}, 'm')).toEqual({
      endpoint: { base_url: undefined, model: 'm' },
    });
  });

  it('names a config field of the wrong shape', () => {
    expect(deploymentEndpoint({ endpoint: { base_url: 's3://x' } }, {}, 'm')).toEqual({
      problem: expect.objectContaining({ path: '/deployment/endpoint/base_url' }),
    });
    expect(deploymentEndpoint({ endpoint: { model: 7 } }, {}, 'm')).toEqual({
      problem: expect.objectContaining({ path: '/deployment/endpoint/model' }),
    });
  });
});

describe('model version stages', () => {
  it('move between any two live stages; archived is final', () => {
    const live = ['development', 'staging', 'production'] as const;
    for (const from of live) {
      for (const to of live) expect(stageTransitionAllowed(from, to)).toBe(from !== to);
      expect(stageTransitionAllowed(from, 'archived')).toBe(true);
      expect(stageTransitionAllowed('archived', from)).toBe(false);
    }
    expect(stageTransitionAllowed('archived', 'archived')).toBe(false);
  });
});
