import { isManagedRun, runStatusChangeProblem } from './run-status';

describe('update_run status rules', () => {
  const own = (status: string) => ({ id: 7, config: { note: 'mine' }, status });

  it('a run start_run or start_gate_run made (its config names an experiment) is refused any status', () => {
    const managed = { id: 3, config: { experiment_id: 1, scorers: [] }, status: 'running' };
    expect(isManagedRun(managed.config)).toBe(true);
    for (const to of ['running', 'completed', 'cancelled']) {
      const problem = runStatusChangeProblem(managed, to);
      expect(problem?.code).toBe('conflict');
      expect(problem?.details).toEqual({
        reason: 'run_managed',
        path: '/status',
        id: 3,
        status: 'running',
        to,
      });
    }
    expect(isManagedRun({})).toBe(false);
    expect(isManagedRun(null)).toBe(false);
  });

  it('a create_run run moves forward: pending to any other, running to an end', () => {
    for (const to of ['running', 'completed', 'failed', 'cancelled']) {
      expect(runStatusChangeProblem(own('pending'), to)).toBeNull();
    }
    for (const to of ['completed', 'failed', 'cancelled']) {
      expect(runStatusChangeProblem(own('running'), to)).toBeNull();
    }
    expect(runStatusChangeProblem(own('running'), 'pending')?.details).toEqual({
      reason: 'invalid_transition',
      path: '/status',
      id: 7,
      from: 'running',
      to: 'pending',
    });
  });

  it('a final status never changes; setting the status a run has is no move', () => {
    for (const from of ['completed', 'failed', 'cancelled']) {
      for (const to of ['pending', 'running', 'completed', 'failed', 'cancelled']) {
        const problem = runStatusChangeProblem(own(from), to);
        if (to === from) expect(problem).toBeNull();
        else expect(problem?.details?.reason).toBe('invalid_transition');
      }
    }
    expect(runStatusChangeProblem(own('running'), 'running')).toBeNull();
  });
});
