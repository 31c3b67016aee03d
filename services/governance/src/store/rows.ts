import type { Budget, DecisionInput, PolicyConfig, PolicyResult } from '@crucible/contracts';

/** A row of governance.directives. */
export interface DirectiveRow {
  id: string;
  issued_by: string;
  objective: string;
  scope: string;
  role: string;
  type: string;
  status: string;
  constraints: Record<string, unknown> | null;
  success_metrics: Record<string, unknown> | null;
  budget: Budget | null;
  timebox: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

/** A row of directive_history (`id` is a BIGSERIAL, read as a string). */
export interface DirectiveHistoryRow {
  id: string;
  directive_id: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  reason: string | null;
  decision_hash: string | null;
  changed_at: Date;
}

export interface ExecutionRunRow {
  id: string;
  directive_id: string;
  status: string;
  started_at: Date | null;
  completed_at: Date | null;
  created_at: Date;
  /** NUMERIC as text (migration 0003); absent on rows built before insert. */
  spent_amount?: string;
  spent_currency?: string | null;
  /** BIGINT as text. */
  spent_tokens?: string | number;
}

export interface RunHistoryRow {
  id: string;
  run_id: string;
  from_status: string | null;
  to_status: string;
  actor: string;
  reason: string | null;
  changed_at: Date;
}

export interface RoleRow {
  role_name: string;
  current_impl: string | null;
  status: string;
  last_review: Date | null;
  created_at: Date;
}

export interface ArtifactRow {
  id: string;
  type: string;
  uri: string;
  created_at: Date;
}

export interface PolicyRow {
  hash: string;
  version: string;
  config: PolicyConfig;
  created_at: Date;
}

export interface DecisionRow {
  hash: string;
  policy_hash: string;
  policy_version: string;
  input_hash: string;
  input: DecisionInput;
  results: PolicyResult[];
  outcome: 'allow' | 'block' | 'review';
  evaluated_at: Date;
  /** BIGINT, read as a string. */
  duration_us: string | number;
}

export interface PendingReviewRow {
  directive_id: string;
  decision_hash: string;
  proposed_at: Date;
  due_at: Date | null;
  escalated_at: Date | null;
}

/** A row of directive_deadlines (migration 0004): when an approved directive's timebox runs out. */
export interface DeadlineRow {
  directive_id: string;
  approved_at: Date;
  due_at: Date;
  expired_at: Date | null;
}

export interface SpendEntryRow {
  key: string;
  directive_id: string;
  run_id: string;
  work: string;
  subject: string | null;
  model: string;
  tokens: number;
  amount: string;
  currency: string;
  actor: string;
  recorded_at: Date;
}
