import { startGovernanceService } from '@crucible/governance';
import type { Stoppable } from '@crucible/runtime';
import { startGovernanceStack, TEST_SETTINGS, type GovernanceStack } from './stack';

// A directive whose timebox runs out ends its open execution runs
// (docs/services/governance.md, "Timeboxes"): pending to canceled, running
// to failed, through the run lifecycle's one mutator, with history and
// events, once however many timers run. Real Postgres, NATS and Kafka.

let s: GovernanceStack;

beforeAll(async () => {
  s = await startGovernanceStack();
}, 60_000);

afterAll(async () => {
  await s?.stop();
});

const table = (name: string) => s.infra.knex.withSchema('governance').table(name);

interface RunRow {
  id: string;
  status: string;
  started_at: Date | null;
  completed_at: Date | null;
}

const runRow = async (id: string): Promise<RunRow> =>
  (await table('execution_runs').where('id', id).first()) as RunRow;

/** The `execution_run_transitioned` events written for a run, in order. */
async function runEvents(
  directive: string,
  run: string,
): Promise<
  Array<{ from_status: string | null; to_status: string; actor: string; reason: string }>
> {
  const rows = await table('outbox')
    .where({ key: directive })
    .orderBy('id')
    .select<Array<{ envelope: { type: string; data: Record<string, unknown> } }>>('envelope');
  return rows
    .map((row) => row.envelope)
    .filter((e) => e.type === 'governance.execution_run_transitioned' && e.data['run_id'] === run)
    .map((e) => e.data as never);
}

async function until(what: string, check: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a timebox that runs out ends the directive open runs', () => {
  it('cancels the pending run, fails the running one, leaves the completed one, once across two replicas', async () => {
    // Two replicas, each with its timer polling every 100 ms.
    let replica: Stoppable | undefined = await startGovernanceService(s.infra, TEST_SETTINGS);
    try {
      // Approved by the policy at creation: its timebox starts now.
      const { directive } = await s.rpc.call('create_directive', {
        issued_by: 'planner',
        objective: 'Run the locked room for two seconds.',
        scope: 'development',
        role: 'builder',
        type: 'test',
        status: 'proposed',
        budget: { amount: '25.00', currency: 'USD' },
        timebox: 'PT2S',
      });
      const id = directive.id;
      await s.rpc.call('transition_directive', {
        id,
        expected_status: 'approved',
        status: 'executing',
      });
      const run = async () =>
        (await s.rpc.call('create_execution_run', { directive_id: id, actor: 'worker' })).run.id;
      const move = (runId: string, from: 'pending' | 'running', to: 'running' | 'completed') =>
        s.rpc.call('transition_execution_run', {
          id: runId,
          expected_status: from,
          status: to,
          actor: 'worker',
        });
      const done = await run();
      await move(done, 'pending', 'running');
      await move(done, 'running', 'completed');
      const pending = await run();
      const running = await run();
      await move(running, 'pending', 'running');
      const doneBefore = await runRow(done);
      const doneEvents = await runEvents(id, done);

      await until('the directive aborted and its runs ended', async () => {
        const [d, p, r] = await Promise.all([
          s.rpc.call('get_directive', { id }),
          runRow(pending),
          runRow(running),
        ]);
        return d.directive.status === 'aborted' && p.status !== 'pending' && r.status !== 'running';
      });
      // More rounds of both timers: nothing moves twice.
      await new Promise((resolve) => setTimeout(resolve, 600));

      const deadline = (await table('directive_deadlines').where('directive_id', id).first()) as {
        due_at: Date;
        expired_at: Date;
      };
      const canceled = await runRow(pending);
      expect(canceled).toMatchObject({ status: 'canceled', started_at: null });
      expect(canceled.completed_at).toBeInstanceOf(Date);
      const failed = await runRow(running);
      expect(failed.status).toBe('failed');
      expect(failed.started_at).toBeInstanceOf(Date);
      expect(failed.completed_at).toBeInstanceOf(Date);
      for (const ended of [canceled, failed]) {
        expect(ended.completed_at!.getTime()).toBeGreaterThanOrEqual(deadline.due_at.getTime());
      }
      // The completed run is untouched: same row, no new history, no new event.
      expect(await runRow(done)).toEqual(doneBefore);
      expect(await runEvents(id, done)).toEqual(doneEvents);
      expect(await table('execution_run_history').where('run_id', done).count({ n: '*' })).toEqual([
        { n: '3' },
      ]);

      // One history row and one event per ended run, by the timebox, saying why.
      const reason = expect.stringMatching(/^timebox_expired: the timebox PT2S of directive /);
      for (const [runId, from, to] of [
        [pending, 'pending', 'canceled'],
        [running, 'running', 'failed'],
      ] as const) {
        const history = (await table('execution_run_history')
          .where('run_id', runId)
          .orderBy('id')
          .select('from_status', 'to_status', 'actor', 'reason')) as unknown[];
        expect(history.at(-1)).toEqual({
          from_status: from,
          to_status: to,
          actor: 'timebox',
          reason,
        });
        expect(history.filter((h) => (h as { to_status: string }).to_status === to)).toHaveLength(
          1,
        );
        const events = (await runEvents(id, runId)).filter((e) => e.to_status === to);
        expect(events).toEqual([
          expect.objectContaining({ from_status: from, actor: 'timebox', reason }),
        ]);
      }
      // The directive moved once too.
      const { history } = await s.rpc.call('get_directive', { id });
      expect(history.filter((h) => h.to_status === 'aborted')).toEqual([
        expect.objectContaining({ from_status: 'executing', actor: 'timebox' }),
      ]);

      // Spend reported late (a turn running at the deadline) is charged to
      // the run the timebox failed; no new run opens under the directive.
      const runsBefore = await table('execution_runs').where('directive_id', id).count({ n: '*' });
      const late = await s.rpc.call('record_spend', {
        directive_id: id,
        work: 'run_turn',
        subject: 'w',
        charges: [
          { key: `late:${id}`, model: 'offline', tokens: 3, amount: '0.50', currency: 'USD' },
        ],
      });
      expect(late).toMatchObject({ run_id: running, recorded: 1 });
      expect(await table('execution_runs').where('directive_id', id).count({ n: '*' })).toEqual(
        runsBefore,
      );
      expect((await runRow(running)).status).toBe('failed');
    } finally {
      await replica?.stop();
      replica = undefined;
    }
  }, 45_000);
});

describe('a directive aborted by hand ends its open runs too', () => {
  it('cancels the pending run and fails the running one, by the aborting actor, with the reason', async () => {
    const { directive } = await s.rpc.call('create_directive', {
      issued_by: 'planner',
      objective: 'Run the locked room until someone stops it.',
      scope: 'development',
      role: 'builder',
      type: 'test',
      status: 'proposed',
      budget: { amount: '25.00', currency: 'USD' },
    });
    const id = directive.id;
    await s.rpc.call('transition_directive', {
      id,
      expected_status: 'approved',
      status: 'executing',
    });
    const run = async () =>
      (await s.rpc.call('create_execution_run', { directive_id: id, actor: 'worker' })).run.id;
    const done = await run();
    await s.rpc.call('transition_execution_run', {
      id: done,
      expected_status: 'pending',
      status: 'canceled',
      actor: 'worker',
    });
    const pending = await run();
    const running = await run();
    await s.rpc.call('transition_execution_run', {
      id: running,
      expected_status: 'pending',
      status: 'running',
      actor: 'worker',
    });
    const doneBefore = await runRow(done);

    await s.rpc.call('transition_directive', {
      id,
      expected_status: 'executing',
      status: 'aborted',
      actor: 'operator',
      reason: 'wrong room',
    });

    // In the abort's transaction: ended by the time it answered.
    expect(await runRow(pending)).toMatchObject({ status: 'canceled', started_at: null });
    expect((await runRow(pending)).completed_at).toBeInstanceOf(Date);
    expect(await runRow(running)).toMatchObject({ status: 'failed' });
    expect(await runRow(done)).toEqual(doneBefore);
    const reason = `directive_aborted: directive ${id} was aborted: wrong room`;
    for (const [runId, from, to] of [
      [pending, 'pending', 'canceled'],
      [running, 'running', 'failed'],
    ] as const) {
      expect(await runEvents(id, runId)).toContainEqual(
        expect.objectContaining({ from_status: from, to_status: to, actor: 'operator', reason }),
      );
    }
    // Nothing more may run under it.
    await expect(
      s.rpc.call('create_execution_run', { directive_id: id, actor: 'worker' }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });
});
