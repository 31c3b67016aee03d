import { randomUUID } from 'node:crypto';
import type {
  AuthorizeWorkReply,
  AuthorizeWorkRequest,
  PolicyConfig,
  RecordSpendReply,
  RecordSpendRequest,
  Spend,
} from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import type { Knex } from '@crucible/database';
import { budgetExhausted, normalizeAmount, sumAmounts } from '../domain/budget';
import {
  budgetExhaustedError,
  currencyMismatch,
  directiveDoesNotName,
  directiveNotWorkable,
  directiveRequired,
  recordNotFound,
  timeboxExpired,
} from '../domain/governance-errors';
import { compareAmounts } from '../domain/money';
import { DEFAULT_POLICY } from '../domain/policy-engine';
import type { GovernanceDeps } from '../handlers/deps';
import type { DirectiveRow, ExecutionRunRow } from '../store/rows';
import { runTransitioned } from './governance-events';

/** Work is done under directives in these statuses only. */
const WORKABLE = new Set(['approved', 'executing']);

/** The work that moves a name: its subject must be among the directive's payload.names. */
const MOVE_NAME = 'move_name';

/**
 * authorize_work: whether the active policy requires a directive for `work`,
 * and, given one, whether work may go on under it now. Refuses with a
 * structured error (directive_required, not_found, directive_not_approved,
 * directive_does_not_name, timebox_expired, budget_exhausted); reads only.
 */
export async function authorizeWork(
  deps: GovernanceDeps,
  request: AuthorizeWorkRequest,
): Promise<AuthorizeWorkReply> {
  const policy = await activePolicy(deps);
  const required = (policy.directive_required_work ?? []).includes(request.work);
  if (request.directive_id === undefined) {
    if (required) throw directiveRequired(request.work, policy.version);
    return { required, directive_id: null, run_id: null, spent: null, budget: null };
  }
  const directive = await deps.directives.get(request.directive_id);
  if (directive === undefined) {
    throw recordNotFound('directive', request.directive_id, '/directive_id');
  }
  // Before the status: a directive the timer moved on for its timebox says why.
  await checkTimebox(deps, directive);
  checkWorkable(directive, request);
  const run = await deps.spend.openRun(directive.id);
  const spent = totalOf(await deps.spend.directiveTotals(directive.id));
  if (directive.budget !== null && budgetExhausted(directive.budget, spent)) {
    throw budgetExhaustedError(directive.id, run?.id ?? null, spent, directive.budget);
  }
  return {
    required,
    directive_id: directive.id,
    run_id: run?.id ?? null,
    spent,
    budget: directive.budget,
  };
}

function checkWorkable(directive: DirectiveRow, request: AuthorizeWorkRequest): void {
  if (!WORKABLE.has(directive.status)) throw directiveNotWorkable(directive.id, directive.status);
  if (request.work === MOVE_NAME) {
    const names = directive.payload['names'];
    const subject = request.subject ?? '';
    if (!Array.isArray(names) || !names.includes(subject)) {
      throw directiveDoesNotName(directive.id, subject);
    }
  }
}

/**
 * Refuses work once the directive's timebox has elapsed since its approval
 * (its deadline row, replaced by a later approval), whether or not the
 * timer has moved it on yet: the deadline is stored, so a restart changes
 * nothing.
 */
async function checkTimebox(deps: GovernanceDeps, directive: DirectiveRow): Promise<void> {
  if (directive.timebox === null) return;
  const deadline = await deps.deadlines.get(directive.id);
  if (deadline === undefined) return;
  const now = await deps.deadlines.now();
  if (deadline.due_at.getTime() <= now.getTime()) {
    throw timeboxExpired(directive.id, directive.timebox, deadline.approved_at, deadline.due_at);
  }
}

/**
 * record_spend: adds the charges not recorded before to the running total
 * of the directive's execution run (its open run, started here if it has
 * none), in one transaction under the directive's row lock, so concurrent
 * reports of one directive add up and a repeated one adds nothing. Spend is
 * recorded whatever the directive's status now: it was incurred. Spend
 * reported after the directive stopped being workable (its timebox ended its
 * runs) goes to the run that ended last: no new run opens under it.
 */
export async function recordSpend(
  deps: GovernanceDeps,
  request: RecordSpendRequest,
  actor: string,
  ctx: RpcContext,
): Promise<RecordSpendReply> {
  return deps.spend.transaction(async (trx) => {
    const directive = await deps.directives.lock(request.directive_id, trx);
    if (directive === undefined) {
      throw recordNotFound('directive', request.directive_id, '/directive_id');
    }
    let run =
      (await deps.spend.openRun(directive.id, trx)) ??
      (await lateRun(deps, directive, trx)) ??
      (await startRun(deps, directive, actor, ctx, trx));
    const at = await deps.spend.now(trx);
    const rows = request.charges.map((charge) => ({
      key: charge.key,
      directive_id: directive.id,
      run_id: run.id,
      work: request.work,
      subject: request.subject ?? null,
      model: charge.model,
      tokens: charge.tokens,
      amount: charge.amount,
      currency: charge.currency,
      actor,
      recorded_at: at,
    }));
    const inserted = await deps.spend.insertNew(rows, trx);
    // The currency the run's spend is kept in: the one it has, else the budget's.
    const kept = run.spent_currency ?? directive.budget?.currency ?? null;
    let currency = kept;
    for (const [index, charge] of request.charges.entries()) {
      if (compareAmounts(charge.amount, '0') === 0) continue;
      currency ??= charge.currency;
      if (charge.currency !== currency) throw currencyMismatch(index, charge.currency, currency);
    }
    if (inserted.length > 0) {
      run = await deps.spend.addToRun(
        run.id,
        {
          amount: sumAmounts(inserted.map((row) => String(row.amount))),
          tokens: inserted.reduce((sum, row) => sum + Number(row.tokens), 0),
          currency,
        },
        trx,
      );
    }
    const spent = totalOf(await deps.spend.directiveTotals(directive.id, trx));
    return {
      run_id: run.id,
      recorded: inserted.length,
      spent,
      budget: directive.budget,
      exhausted: budgetExhausted(directive.budget, spent),
    };
  });
}

/** The run late spend goes to: of a directive no longer workable, the run that ended last. */
async function lateRun(
  deps: GovernanceDeps,
  directive: DirectiveRow,
  trx: Knex.Transaction,
): Promise<ExecutionRunRow | undefined> {
  return WORKABLE.has(directive.status) ? undefined : deps.spend.lastEndedRun(directive.id, trx);
}

/**
 * A directive's first work starts its execution run: created pending and
 * moved to running at once (two history rows, two events), as if by
 * create_execution_run and transition_execution_run.
 */
async function startRun(
  deps: GovernanceDeps,
  directive: DirectiveRow,
  actor: string,
  ctx: RpcContext,
  trx: Knex.Transaction,
): Promise<ExecutionRunRow> {
  const at = await deps.records.now(trx);
  const row: ExecutionRunRow = {
    id: randomUUID(),
    directive_id: directive.id,
    status: 'running',
    started_at: at,
    completed_at: null,
    created_at: at,
  };
  await deps.records.insertRun(row, trx);
  const reason = 'work reported spend under the directive';
  const events = [];
  for (const [from, to] of [
    [null, 'pending'],
    ['pending', 'running'],
  ] as const) {
    const historyId = await deps.records.insertRunHistory(
      { run_id: row.id, from_status: from, to_status: to, actor, reason, changed_at: at },
      trx,
    );
    events.push(
      runTransitioned(deps.events, ctx, {
        run_id: row.id,
        directive_id: directive.id,
        history_id: historyId,
        from_status: from,
        to_status: to,
        actor,
        reason,
        changed_at: at.toISOString(),
      }),
    );
  }
  await deps.records.enqueue(events, trx);
  return { ...row, spent_amount: '0', spent_currency: null, spent_tokens: 0 };
}

async function activePolicy(deps: GovernanceDeps): Promise<PolicyConfig> {
  return (await deps.policies.activePolicy())?.config ?? DEFAULT_POLICY;
}

function totalOf(totals: { amount: string; currency: string | null; tokens: number }): Spend {
  return {
    amount: normalizeAmount(totals.amount),
    currency: totals.currency,
    tokens: totals.tokens,
  };
}
