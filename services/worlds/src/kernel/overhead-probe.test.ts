import { crowdScenario } from './test-fixtures';
import { kernelOverheadProbe } from './overhead-probe';
import { seedWorld } from './world-state';

describe('kernelOverheadProbe', () => {
  it('runs the turns with the offline mind and splits the time', async () => {
    const overhead = await kernelOverheadProbe(
      seedWorld({ slug: 'w', scenario: crowdScenario(5) }),
      {
        turns: 2,
      },
    );
    expect(overhead.turns).toBe(2);
    expect(overhead.agent_turns).toBe(10);
    for (const ms of [
      overhead.kernel_ms_per_agent_turn,
      overhead.kernel_cpu_ms_per_agent_turn,
      overhead.mind_ms_per_agent_turn,
      overhead.pieces_ms_per_agent_turn,
    ]) {
      expect(Number.isFinite(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(0);
    }
  });
});
