import { ok, startRealPlatform, type PlatformStack } from '../platform/stack';
import { validRequest } from '../scenarios/validation.suite';
import { statementsDuring } from '../support/statements';

// A worker's slots look for work when there may be some: run_turn wakes one
// idle slot (a world's attempts run one at a time); a claim or a commit that
// saw more work lets a slot look again at once (ClaimedAttempt.more,
// FinishedAttempt.claimable); otherwise a slot waits for a wake or the poll.
// The poll is a minute here, so a slot that waited for it when there was
// work would fail these tests by their timeouts. Two slots (the default).
const POLL_MS = 60_000;

/** A claim of turn_attempts (TurnStore.claimNext), told by its text. */
const isClaim = (sql: string): boolean =>
  /^update\s+"[^"]+"\."turn_attempts" as a\s+set status = 'running', lease_owner/.test(sql.trim());

describe('claims after a commit (real servers)', () => {
  let stack: PlatformStack;

  beforeAll(async () => {
    stack = await startRealPlatform({ env: { WORLDS_POLL_MS: String(POLL_MS) } });
    const { scenario_hash } = await ok(stack, 'assemble_scenario', validRequest());
    for (const slug of ['claims-one', 'claims-three'])
      await ok(stack, 'create_world', { slug, scenario_ref: { hash: scenario_hash } });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function committed(slug: string, attemptId: number): Promise<void> {
    for (;;) {
      const status = await ok(stack, 'get_turn_status', {
        world_slug: slug,
        attempt_id: attemptId,
        wait_ms: 10_000,
      });
      if (status.status === 'committed') return;
      if (status.status === 'failed') throw new Error(`turn failed: ${status.failure_reason}`);
    }
  }

  it('claims once per turn when nothing else waits: no idle slot, no commit, looks for nothing', async () => {
    const first = await ok(stack, 'run_turn', { world_slug: 'claims-one' });
    await committed('claims-one', first.attempt_id);
    const { statements } = await statementsDuring(async () => {
      for (let i = 0; i < 5; i++) {
        const run = await ok(stack, 'run_turn', { world_slug: 'claims-one' });
        await committed('claims-one', run.attempt_id);
      }
    });
    // One claim a turn, by the slot its run_turn woke (it was three: the other
    // idle slot woke too, and the slot that committed looked again).
    expect(statements.filter(isClaim)).toHaveLength(5);
  }, 60_000);

  it('takes the next queued attempt at once after a commit that saw it, and wakes no slot for a blocked one', async () => {
    const started = Date.now();
    const { statements } = await statementsDuring(async () => {
      const run = await ok(stack, 'run_turn', { world_slug: 'claims-three', turns: 3 });
      expect(run.attempts).toHaveLength(3);
      for (const attempt of run.attempts) await committed('claims-three', attempt.attempt_id);
    });
    // Well under the poll: each commit's slot claimed the next at once.
    expect(Date.now() - started).toBeLessThan(POLL_MS / 4);
    // One claim a turn: the attempts queued behind the running one are not work for the other slot.
    expect(statements.filter(isClaim)).toHaveLength(3);
    const world = await ok(stack, 'get_world', { world_slug: 'claims-three' });
    expect(world.turn).toBe(3);
  }, 60_000);
});
