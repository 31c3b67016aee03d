import {
  conflict,
  CrucibleError,
  invalidArgument,
  notFound,
  permissionDenied,
  type Budget,
  type Spend,
} from '@crucible/contracts';

/** `invalid_argument`/`invalid_transition`: `from → to` is not an edge of the lifecycle. */
export function invalidTransition(
  kind: string,
  from: string,
  to: string,
  allowed: readonly string[],
  path: string,
): CrucibleError {
  const next = allowed.length === 0 ? 'nothing (terminal)' : allowed.join(', ');
  return invalidArgument(
    path,
    'invalid_transition',
    `${kind} ${from} → ${to} is not allowed; ${from} may go to ${next}`,
    {
      from,
      to,
      allowed: [...allowed],
    },
  );
}

/** `invalid_argument`/`status_not_allowed`: a directive is created as draft or proposed only. */
export function statusNotAllowedAtCreation(status: string): CrucibleError {
  return invalidArgument(
    '/status',
    'status_not_allowed',
    `a directive is created as draft or proposed, not ${status}: approval happens through policy, never by assertion`,
    { status, allowed: ['draft', 'proposed'] },
  );
}

/** `invalid_argument`/`use_operation`: this edge belongs to another operation. */
export function useOperation(to: string, operation: string): CrucibleError {
  return invalidArgument(
    '/status',
    'use_operation',
    `a directive becomes ${to} through ${operation}`,
    {
      status: to,
      operation,
    },
  );
}

/** `conflict`/`cas_failed`: the record is not in the status the caller expected. */
export function statusCasFailed(
  kind: string,
  id: string,
  expected: string,
  current: string,
  path = '/expected_status',
): CrucibleError {
  return conflict(`${kind} ${id}: expected ${expected}, but it is ${current}`, {
    reason: 'cas_failed',
    path,
    id,
    expected,
    current,
  });
}

/** `conflict`/`not_awaiting_human`: approve/reject of a directive the policy did not leave for review. */
export function notAwaitingHuman(id: string, status: string): CrucibleError {
  return conflict(`directive ${id} is ${status} and not waiting for a human decision`, {
    reason: 'not_awaiting_human',
    path: '/id',
    id,
    status,
  });
}

/** `conflict`/`directive_not_approved`: runs belong to approved (or executing) directives. */
export function directiveNotApproved(id: string, status: string): CrucibleError {
  return conflict(
    `directive ${id} is ${status}; runs are created for approved or executing directives`,
    {
      reason: 'directive_not_approved',
      path: '/directive_id',
      id,
      status,
    },
  );
}

/** `conflict`/`policy_cas_failed`: another policy is active. */
export function policyCasFailed(expected: string, current: string): CrucibleError {
  return conflict(`the active policy is ${current}, not ${expected}`, {
    reason: 'cas_failed',
    path: '/expected_hash',
    expected,
    current,
  });
}

/** `conflict`/`role_exists`. */
export function roleExists(name: string): CrucibleError {
  return conflict(`role ${name} already exists`, {
    reason: 'role_exists',
    path: '/role_name',
    role_name: name,
  });
}

/** `not_found` with reason `<what>_not_found` at `path`. */
export function recordNotFound(what: string, id: string, path: string): CrucibleError {
  return notFound(`no ${what.replace('_', ' ')} ${id}`, { reason: `${what}_not_found`, path, id });
}

/** `permission_denied`/`directive_required`: the active policy wants a directive for this work. */
export function directiveRequired(work: string, policyVersion: string): CrucibleError {
  return permissionDenied(
    'directive_required',
    `${work} requires a directive under policy ${policyVersion}: give the directive_id of an approved one`,
    { path: '/directive_id', work, policy_version: policyVersion },
  );
}

/** `conflict`/`directive_not_approved`: work is done under approved or executing directives only. */
export function directiveNotWorkable(id: string, status: string): CrucibleError {
  return conflict(
    `directive ${id} is ${status}; work is done under approved or executing directives only`,
    { reason: 'directive_not_approved', path: '/directive_id', id, status },
  );
}

/** `permission_denied`/`directive_does_not_name`: a protected name moves under a directive naming it. */
export function directiveDoesNotName(id: string, subject: string): CrucibleError {
  return permissionDenied(
    'directive_does_not_name',
    `directive ${id} does not name ${subject} (payload.names)`,
    { path: '/subject', id, subject },
  );
}

/**
 * `resource_exhausted`/`budget_exhausted`: the directive's budget is spent.
 * Not retryable: the same request fails until the budget changes.
 */
export function budgetExhaustedError(
  id: string,
  runId: string | null,
  spent: Spend,
  budget: Budget,
): CrucibleError {
  const what = [
    budget.amount !== undefined ? `${spent.amount} of ${budget.amount} ${budget.currency}` : null,
    budget.tokens !== undefined ? `${spent.tokens} of ${budget.tokens} tokens` : null,
  ]
    .filter((part) => part !== null)
    .join(', ');
  return new CrucibleError(
    'resource_exhausted',
    `the budget of directive ${id} is spent (${what}); no further work is done under it`,
    { reason: 'budget_exhausted', path: '/directive_id', id, run_id: runId, spent, budget },
    { retryable: false },
  );
}

/** `invalid_argument`/`currency_mismatch`: a run keeps its spend in one currency. */
export function currencyMismatch(index: number, currency: string, expected: string): CrucibleError {
  return invalidArgument(
    `/charges/${index}/currency`,
    'currency_mismatch',
    `charge in ${currency}, but the directive's spend is kept in ${expected}`,
    { currency, expected },
  );
}

/**
 * `conflict`/`timebox_expired`: the directive's timebox has elapsed since
 * it was approved; no further work is done under it.
 */
export function timeboxExpired(
  id: string,
  timebox: string,
  approvedAt: Date,
  dueAt: Date,
): CrucibleError {
  return conflict(
    `the timebox of directive ${id} (${timebox} from its approval at ${approvedAt.toISOString()}) ran out at ${dueAt.toISOString()}; no further work is done under it`,
    {
      reason: 'timebox_expired',
      path: '/directive_id',
      id,
      timebox,
      approved_at: approvedAt.toISOString(),
      due_at: dueAt.toISOString(),
    },
  );
}
