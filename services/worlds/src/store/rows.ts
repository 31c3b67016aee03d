import type { Mind } from '@crucible/contracts';

/** A worlds row as read (live or deleted). */
export interface WorldRow {
  id: number;
  slug: string;
  name: string;
  created_at: Date;
  scenario_hash: string;
  scenario_label: string;
  scenario_ref_kind: 'name' | 'hash' | 'data';
  scenario_ref_value: string;
  scenario_snapshot: unknown;
  mind: Mind | null;
  engine: 'sequential' | 'simultaneous';
  current_turn: number;
  parent_id: number | null;
  /** The parent's slug when the fork was made (the parent may be deleted since). */
  parent_slug: string | null;
  fork_turn: number | null;
  /** The last turn read from the parent (fork_turn, or fork_turn - 1 for a counterfactual). */
  parent_through: number | null;
  deleted_at: Date | null;
}

/** What a new world row is given (the rest is defaulted). */
export type NewWorld = Omit<WorldRow, 'id' | 'created_at' | 'current_turn' | 'deleted_at'>;

/** A piece of state by content hash: its canonical JSON text. */
export interface StatePiece {
  readonly hash: string;
  readonly json: string;
}

/** One state to store: its hash, its manifest (canonical JSON of its refs) and its pieces. */
export interface StoredState {
  readonly state_hash: string;
  readonly manifest: string;
  readonly pieces: readonly StatePiece[];
}

export type AttemptStatus = 'queued' | 'running' | 'committed' | 'failed';

export interface AttemptRow {
  id: number;
  world_id: number;
  status: AttemptStatus;
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  lease_owner: string | null;
  lease_until: Date | null;
  tries: number;
  target_turn: number | null;
  produced_turn: number | null;
  duration_ms: number | null;
  failure: TurnFailureRow | null;
  /** The principal whose run_turn queued it (null: none, or queued before actors were kept). */
  requested_by: string | null;
}

export interface TurnFailureRow {
  code: string;
  agent_id: string | null;
  phase: 'perceive' | 'intend' | 'adjudicate' | null;
  message: string;
  complaints: string[];
}

/** An audit event of a turn (turn_events). */
export interface TurnEventRow {
  turn: number;
  seq: number;
  kind: string;
  agent_id: string | null;
  data: Record<string, unknown>;
  recorded_at: Date;
}

/** A recorded LLM call (llm_calls). */
export interface LlmCallRow {
  hash: string;
  request: Record<string, unknown>;
  content: string;
  finish_reason: string;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
  provider: string;
  model: string;
  params: Record<string, unknown>;
  world_id: number;
  turn: number;
  agent_id: string;
  phase: 'perceive' | 'intend' | 'adjudicate';
  profile_label: string | null;
  recorded_at: Date;
}

export interface UsageTotals {
  calls: number;
  input_tokens: number;
  output_tokens: number;
  latency_ms: number;
}

/**
 * An attempt as its commit left it, with the usage of the calls of the turn
 * it produced: what get_turn_status answers, handed to this replica's waits
 * so they answer without reading it back.
 */
export interface FinishedAttempt {
  readonly attempt: AttemptRow;
  readonly usage: UsageTotals;
  /**
   * Whether, as the commit's snapshot saw it, another attempt may be waiting
   * for a worker (queued, or running on an expired lease): the worker that
   * committed looks for work at once only then (TurnWorker).
   */
  readonly claimable: boolean;
}

/** What a claim reads beside the attempt, in the same statement. */
export interface ClaimedAttempt {
  readonly attempt: AttemptRow;
  /** The attempt's world as the claim saw it (its current turn set target_turn). */
  readonly world: WorldRow;
  /** The directive the attempt runs under (attempt_directives), if any. */
  readonly directive_id: string | undefined;
  /** Whether calls are recorded already for the turn it targets (a crashed attempt's). */
  readonly has_records: boolean;
  /** The next free seq of the audit events of the turn it targets (after a failed attempt's). */
  readonly next_seq: number;
  /** Whether the claim saw other work a claim could take (FinishedAttempt.claimable's test). */
  readonly more: boolean;
}
