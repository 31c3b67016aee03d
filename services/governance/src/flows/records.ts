import type {
  AgentRole,
  Artifact,
  Directive,
  DirectiveStatus,
  DirectiveTransition,
  ExecutionRun,
  ExecutionRunStatus,
  PolicyDecision,
  Spend,
} from '@crucible/contracts';
import { normalizeAmount } from '../domain/budget';
import type {
  ArtifactRow,
  DecisionRow,
  DirectiveHistoryRow,
  DirectiveRow,
  ExecutionRunRow,
  RoleRow,
} from '../store/rows';

// Rows to the records of the wire (schemas/governance/*.v1.json). Statuses
// are TEXT in the tables; only the lifecycles write them.

const iso = (d: Date): string => d.toISOString();
const isoOrNull = (d: Date | null): string | null => (d === null ? null : d.toISOString());

export function directiveRecord(row: DirectiveRow): Directive {
  return {
    id: row.id,
    issued_by: row.issued_by,
    objective: row.objective,
    scope: row.scope,
    role: row.role,
    type: row.type,
    status: row.status as DirectiveStatus,
    constraints: row.constraints,
    success_metrics: row.success_metrics,
    budget: row.budget,
    timebox: row.timebox,
    payload: row.payload,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  };
}

export function transitionRecord(row: DirectiveHistoryRow): DirectiveTransition {
  return {
    id: Number(row.id),
    directive_id: row.directive_id,
    from_status: row.from_status as DirectiveStatus | null,
    to_status: row.to_status as DirectiveStatus,
    actor: row.actor,
    reason: row.reason,
    decision_hash: row.decision_hash,
    changed_at: iso(row.changed_at),
  };
}

export function runRecord(row: ExecutionRunRow): ExecutionRun {
  return {
    id: row.id,
    directive_id: row.directive_id,
    status: row.status as ExecutionRunStatus,
    started_at: isoOrNull(row.started_at),
    completed_at: isoOrNull(row.completed_at),
    created_at: iso(row.created_at),
    spent: spentOf(row),
  };
}

/** What a run has spent (a row built before insert has spent nothing). */
export function spentOf(row: ExecutionRunRow): Spend {
  return {
    amount: normalizeAmount(row.spent_amount ?? '0'),
    currency: row.spent_currency ?? null,
    tokens: Number(row.spent_tokens ?? 0),
  };
}

export function roleRecord(row: RoleRow): AgentRole {
  return {
    role_name: row.role_name,
    current_impl: row.current_impl,
    status: row.status,
    last_review: isoOrNull(row.last_review),
    created_at: iso(row.created_at),
  };
}

export function artifactRecord(row: ArtifactRow): Artifact {
  return { id: row.id, type: row.type, uri: row.uri, created_at: iso(row.created_at) };
}

export function decisionRecord(row: DecisionRow): PolicyDecision {
  return {
    hash: row.hash,
    policy_hash: row.policy_hash,
    policy_version: row.policy_version,
    input_hash: row.input_hash,
    input: row.input,
    results: row.results,
    outcome: row.outcome,
    evaluated_at: iso(row.evaluated_at),
    duration_us: Number(row.duration_us),
  };
}
