import { randomUUID } from 'node:crypto';
import type { Call, EventTest, EventTestContext, SeenEvent } from './event-test';

/** A draft directive's request (scope development: the first policy approves it). */
function directive(over: Record<string, unknown> = {}) {
  return {
    issued_by: 'events',
    objective: 'Prove the governance events.',
    scope: 'development',
    role: 'builder',
    type: 'test',
    status: 'draft',
    ...over,
  };
}

function summary(event: SeenEvent) {
  return {
    type: event.envelope.type,
    key: event.record.key,
    data: event.envelope.data,
    causation_id: event.envelope.causation_id,
  };
}

function causedBy(calls: readonly Call[]): (event: SeenEvent) => boolean {
  const ids = new Set<string | null>(calls.map((c) => c.requestId));
  return (event) => ids.has(event.envelope.causation_id);
}

/** The active policy, made to ask a human for type echo (the escalation test's proposals). */
async function echoNeedsHuman(ctx: EventTestContext): Promise<Call> {
  const active = (await ctx.ok('get_policy', {})).body;
  return ctx.ok('set_policy', {
    policy: { ...active.policy, version: 'echo-human', human_required_types: ['echo'] },
    expected_hash: active.hash,
    reason: 'echo needs a human',
    actor: 'events',
  });
}

/** Waits (up to 20 s) until directive `id` has escalated; its escalation events. */
async function escalation(ctx: EventTestContext, id: string): Promise<SeenEvent[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const events = await ctx.events(
      'governance',
      (e) => e.envelope.type === 'governance.directive_escalated' && e.record.key === id,
    );
    if (events.length > 0 || Date.now() >= deadline) return events;
  }
}

export const GOVERNANCE_EVENT_TESTS: readonly EventTest[] = [
  {
    type: 'governance.directive_transitioned',
    title:
      'one per status change and one per creation, keyed by directive, in order; none for a refusal',
    async run(ctx) {
      const created = await ctx.ok('create_directive', directive());
      const id = created.body.directive.id as string;
      const proposed = await ctx.ok('propose_directive', { id, actor: 'events' });
      const executing = await ctx.ok('transition_directive', {
        id,
        expected_status: 'approved',
        status: 'executing',
        reason: 'go',
      });
      const stale = await ctx.call('transition_directive', {
        id,
        expected_status: 'approved',
        status: 'executing',
      });
      const bad = await ctx.call('transition_directive', {
        id,
        expected_status: 'executing',
        status: 'draft',
      });
      expect([stale.status, bad.status]).toEqual([409, 400]);
      const events = await ctx.events(
        'governance',
        (e) =>
          causedBy([created, proposed, executing, stale, bad])(e) &&
          e.envelope.type === 'governance.directive_transitioned',
      );
      const history = (await ctx.ok('get_directive', { id })).body.history as Array<{
        id: number;
        changed_at: string;
        decision_hash: string | null;
      }>;
      const [toExecuting, toApproved, toProposed, toDraft] = history;
      const step = (
        call: Call,
        from: string | null,
        to: string,
        h: (typeof history)[number] | undefined,
        actor: string,
        reason: string | null,
      ) => ({
        type: 'governance.directive_transitioned',
        key: id,
        causation_id: call.requestId,
        data: {
          directive_id: id,
          history_id: h?.id,
          from_status: from,
          to_status: to,
          actor,
          reason,
          decision_hash: h?.decision_hash ?? null,
          changed_at: h?.changed_at,
        },
      });
      expect(events.map(summary)).toEqual([
        step(created, null, 'draft', toDraft, 'admin', null),
        step(proposed, 'draft', 'proposed', toProposed, 'admin', null),
        step(
          proposed,
          'proposed',
          'approved',
          toApproved,
          'policy',
          `policy ${String(proposed.body.approval.policy_version)}: every rule allows`,
        ),
        step(executing, 'approved', 'executing', toExecuting, 'admin', 'go'),
      ]);
    },
  },
  {
    type: 'governance.execution_run_transitioned',
    title:
      "record_spend starts the directive's run once (created, then running); a repeated report adds no event",
    async run(ctx) {
      const created = await ctx.ok('create_directive', directive({ status: 'proposed' }));
      const directiveId = created.body.directive.id as string;
      const charge = {
        key: `events:charge:${directiveId}`,
        model: 'scripted-model',
        tokens: 10,
        amount: '0.01',
        currency: 'USD',
      };
      const spend = { directive_id: directiveId, work: 'run_turn', charges: [charge] };
      const first = await ctx.ok('record_spend', spend);
      const again = await ctx.ok('record_spend', spend);
      expect([first.body.recorded, again.body.recorded]).toEqual([1, 0]);
      expect(again.body.run_id).toBe(first.body.run_id);
      const events = await ctx.events('governance', causedBy([first, again]));
      const data = (from: string | null, to: string) => ({
        run_id: first.body.run_id,
        directive_id: directiveId,
        history_id: expect.any(Number),
        from_status: from,
        to_status: to,
        actor: 'admin',
        reason: 'work reported spend under the directive',
        changed_at: expect.any(String),
      });
      expect(events.map(summary)).toEqual([
        {
          type: 'governance.execution_run_transitioned',
          key: directiveId,
          causation_id: first.requestId,
          data: data(null, 'pending'),
        },
        {
          type: 'governance.execution_run_transitioned',
          key: directiveId,
          causation_id: first.requestId,
          data: data('pending', 'running'),
        },
      ]);
    },
  },
  {
    type: 'governance.execution_run_transitioned',
    title: 'one per run creation and status change, keyed by the directive; none for a refusal',
    async run(ctx) {
      const created = await ctx.ok('create_directive', directive({ status: 'proposed' }));
      const directiveId = created.body.directive.id as string;
      const run = await ctx.ok('create_execution_run', {
        directive_id: directiveId,
        actor: 'worker',
      });
      const runId = run.body.run.id as string;
      const running = await ctx.ok('transition_execution_run', {
        id: runId,
        expected_status: 'pending',
        status: 'running',
      });
      const refused = await ctx.call('transition_execution_run', {
        id: runId,
        expected_status: 'running',
        status: 'pending',
      });
      expect(refused.status).toBe(400);
      const events = await ctx.events('governance', causedBy([run, running, refused]));
      expect(events.map(summary)).toEqual([
        {
          type: 'governance.execution_run_transitioned',
          key: directiveId,
          causation_id: run.requestId,
          data: {
            run_id: runId,
            directive_id: directiveId,
            history_id: expect.any(Number),
            from_status: null,
            to_status: 'pending',
            actor: 'admin',
            reason: null,
            changed_at: run.body.run.created_at,
          },
        },
        {
          type: 'governance.execution_run_transitioned',
          key: directiveId,
          causation_id: running.requestId,
          data: {
            run_id: runId,
            directive_id: directiveId,
            history_id: running.body.history_id,
            from_status: 'pending',
            to_status: 'running',
            actor: 'admin',
            reason: null,
            changed_at: running.body.run.started_at,
          },
        },
      ]);
    },
  },
  {
    type: 'governance.policy_activated',
    title: 'one per change of the active policy, keyed policy; none for a no-op or a stale swap',
    async run(ctx) {
      const before = (await ctx.ok('get_policy', {})).body;
      const moved = await echoNeedsHuman(ctx);
      const again = await ctx.ok('set_policy', {
        policy: { ...before.policy, version: 'echo-human', human_required_types: ['echo'] },
        expected_hash: moved.body.hash,
      });
      const stale = await ctx.call('set_policy', {
        policy: before.policy,
        expected_hash: before.hash,
      });
      expect(again.body.changed).toBe(false);
      expect(stale.status).toBe(409);
      const events = await ctx.events('governance', causedBy([moved, again, stale]));
      expect(events.map(summary)).toEqual([
        {
          type: 'governance.policy_activated',
          key: 'policy',
          causation_id: moved.requestId,
          data: {
            hash: moved.body.hash,
            previous_hash: before.hash,
            version: 'echo-human',
            history_id: moved.body.history_id,
            actor: 'admin',
            reason: 'echo needs a human',
            changed_at: expect.any(String),
          },
        },
      ]);
    },
  },
  {
    type: 'governance.decision_recorded',
    title:
      'one per new decision record, keyed by the directive; none when the record exists or the request is refused',
    async run(ctx) {
      const created = await ctx.ok('create_directive', directive({ scope: 'production' }));
      const id = created.body.directive.id as string;
      const first = await ctx.ok('evaluate_directive', { id });
      const repeat = await ctx.ok('evaluate_directive', { id });
      expect(repeat.body.decision).toEqual(first.body.decision);
      // Refused: a candidate policy that is not one (a negative ceiling), and
      // a directive that does not exist. Either, evaluated, would be a new record.
      const active = (await ctx.ok('get_policy', {})).body.policy;
      const badPolicy = await ctx.call('evaluate_directive', {
        id,
        policy: {
          ...active,
          version: 'negative',
          budget_ceiling: { amount: '-1', currency: 'USD' },
        },
      });
      const unknown = await ctx.call('evaluate_directive', { id: randomUUID() });
      expect([
        [badPolicy.status, badPolicy.body.error?.code],
        [unknown.status, unknown.body.error?.code, unknown.body.error?.details?.reason],
      ]).toEqual([
        [400, 'invalid_argument'],
        [404, 'not_found', 'directive_not_found'],
      ]);
      const events = await ctx.events('governance', causedBy([first, repeat, badPolicy, unknown]));
      const decision = first.body.decision;
      expect(events.map(summary)).toEqual([
        {
          type: 'governance.decision_recorded',
          key: id,
          causation_id: first.requestId,
          data: {
            hash: decision.hash,
            policy_hash: decision.policy_hash,
            input_hash: decision.input_hash,
            outcome: 'block',
            directive_id: id,
            evaluated_at: decision.evaluated_at,
            actor: 'admin',
          },
        },
      ]);
    },
  },
  {
    type: 'governance.directive_escalated',
    title:
      'exactly one when a proposal waiting for a human outlives its timebox; none for a refused proposal',
    async run(ctx) {
      const active = (await ctx.ok('get_policy', {})).body;
      if (!(active.policy.human_required_types as string[]).includes('echo'))
        await echoNeedsHuman(ctx);
      const waiting = await ctx.ok(
        'create_directive',
        directive({ status: 'proposed', type: 'echo', timebox: 'PT1S' }),
      );
      const id = waiting.body.directive.id as string;
      expect(waiting.body.approval).toMatchObject({ status: 'proposed', approved: false });
      expect(await escalation(ctx, id)).toHaveLength(1);
      // Proposed again while it waits, escalated: refused, so no new review (and no new timer).
      const again = await ctx.call('propose_directive', { id, actor: 'events' });
      expect([again.status, again.body.error?.code, again.body.error?.details?.reason]).toEqual([
        409,
        'conflict',
        'cas_failed',
      ]);
      // The timer, not a request, escalates, so a write is no barrier for it: a
      // later proposal's escalation is. Every round claims all that is due, so
      // the round that escalates it would have escalated this one again too.
      const later = await ctx.ok(
        'create_directive',
        directive({ status: 'proposed', type: 'echo', timebox: 'PT1S' }),
      );
      expect(await escalation(ctx, later.body.directive.id as string)).toHaveLength(1);
      const events = await escalation(ctx, id);
      expect(events.map((e) => e.envelope.data)).toEqual([
        {
          directive_id: id,
          decision_hash: waiting.body.approval.decision_hash,
          due_at: expect.any(String),
          escalated_at: expect.any(String),
          // The service's timer escalates: no outside caller.
          actor: null,
        },
      ]);
      const data = events[0]!.envelope.data as { due_at: string; escalated_at: string };
      expect(Date.parse(data.escalated_at)).toBeGreaterThanOrEqual(Date.parse(data.due_at));
      expect(
        Date.parse(data.due_at) - Date.parse(waiting.body.directive.created_at),
      ).toBeGreaterThanOrEqual(1000);
    },
  },
];
