import type {
  DecisionRecordedV2,
  DirectiveEscalatedV2,
  DirectiveTransitionedV1,
  ExecutionRunTransitionedV1,
  PolicyActivatedV1,
} from '@crucible/contracts';
import type { Outbox, OutboxRow } from '@crucible/messaging';

/** What caused an event: the request (or the escalation poller's round). */
export interface Cause {
  readonly requestId: string;
  readonly correlationId: string;
  /** The request's authenticated principal (a handler's RpcContext has it); none for the poller. */
  readonly principal?: string | undefined;
}

type Events = Pick<Outbox, 'event'>;

/** `governance.directive_transitioned`, keyed by the directive. */
export function directiveTransitioned(
  events: Events,
  cause: Cause,
  data: DirectiveTransitionedV1,
): OutboxRow {
  return events.event('governance.directive_transitioned', data, {
    key: data.directive_id,
    causationId: cause.requestId,
    correlationId: cause.correlationId,
    occurredAt: new Date(data.changed_at),
  });
}

/** `governance.execution_run_transitioned`, keyed by the run's directive (its runs in order). */
export function runTransitioned(
  events: Events,
  cause: Cause,
  data: ExecutionRunTransitionedV1,
): OutboxRow {
  return events.event('governance.execution_run_transitioned', data, {
    key: data.directive_id,
    causationId: cause.requestId,
    correlationId: cause.correlationId,
    occurredAt: new Date(data.changed_at),
  });
}

/** `governance.policy_activated`, keyed `policy` (one active policy: one key, in order). */
export function policyActivated(events: Events, cause: Cause, data: PolicyActivatedV1): OutboxRow {
  return events.event('governance.policy_activated', data, {
    key: 'policy',
    causationId: cause.requestId,
    correlationId: cause.correlationId,
    occurredAt: new Date(data.changed_at),
  });
}

/** `governance.decision_recorded`, keyed by the directive it was first made for. */
export function decisionRecorded(
  events: Events,
  cause: Cause,
  data: DecisionRecordedV2,
): OutboxRow {
  return events.event('governance.decision_recorded', data, {
    key: data.directive_id,
    causationId: cause.requestId,
    correlationId: cause.correlationId,
    occurredAt: new Date(data.evaluated_at),
  });
}

/** `governance.directive_escalated`, keyed by the directive. */
export function directiveEscalated(
  events: Events,
  cause: Cause,
  data: DirectiveEscalatedV2,
): OutboxRow {
  return events.event('governance.directive_escalated', data, {
    key: data.directive_id,
    causationId: cause.requestId,
    correlationId: cause.correlationId,
    occurredAt: new Date(data.escalated_at),
  });
}
