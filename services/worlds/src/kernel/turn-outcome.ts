import type { MindFailure } from '@crucible/minds';
import type { Adjudication } from './adjudication';
import type { WorldEntity, WorldState } from './world-state';

export type TurnPhase = 'perceive' | 'intend' | 'adjudicate' | 'apply';

/** An agent took in its environment (the perceive call's normalized answer). */
export interface PerceptionEmitted {
  readonly type: 'perception_emitted';
  /** The turn being run: its events move the world from state `turn` to `turn + 1`. */
  readonly turn: number;
  readonly agent_id: string;
  readonly environment_label: string;
  readonly perception: string;
  /** mindRequestHash of the perceive request. */
  readonly call_hash: string;
}

/** An agent decided what to attempt (the intend call's normalized answer). */
export interface IntentFormed {
  readonly type: 'intent_formed';
  readonly turn: number;
  readonly agent_id: string;
  readonly intent: string;
  readonly call_hash: string;
}

export interface EntityTransition {
  readonly entity_id: string;
  readonly before: WorldEntity;
  readonly after: WorldEntity;
}

export interface EnvironmentTransition {
  readonly environment_label: string;
  readonly before: string;
  readonly after: string;
}

/** The director's accepted adjudication of one intent, and what applying it changed. */
export interface IntentAdjudicated {
  readonly type: 'intent_adjudicated';
  readonly turn: number;
  readonly agent_id: string;
  readonly intent: string;
  /** The accepted reply, as the kernel read it (absent optional fields written out). */
  readonly adjudication: Adjudication;
  /** Calls made: 1 when the first reply was accepted. */
  readonly attempts: number;
  /** One per rejected reply, in order: the exact text sent back in the corrective message. */
  readonly complaints: readonly string[];
  /** mindRequestHash of every adjudicate request, in order (attempts of them). */
  readonly call_hashes: readonly string[];
  /** The acting agent first, then each mutated entity in mutation order; one per entity. */
  readonly entity_transitions: readonly EntityTransition[];
  /** One per mutated environment, in mutation order. */
  readonly environment_transitions: readonly EnvironmentTransition[];
}

export type AuditEvent = PerceptionEmitted | IntentFormed | IntentAdjudicated;

/**
 * Why a turn failed (docs/services/worlds-kernel.md, "Failures"). A failed
 * turn changes nothing; the service may run it again.
 */
export type TurnFailureCode =
  /** The agent's cognition profile label is not bound in the world. */
  | 'unknown_profile'
  /** The agent's environment label is not in the world. */
  | 'unknown_environment'
  /** Every adjudication attempt (1 + the profile's retry budget) was rejected. */
  | 'adjudication_invalid'
  /** The profile's adjudication schema is not a usable JSON Schema. */
  | 'adjudication_schema_invalid'
  /** The mind gave up on a call (MindError); `mind_failure` says how. */
  | 'mind_failed'
  /** The caller's signal aborted the turn. */
  | 'aborted'
  /** The clock would pass 9999-12-31T23:59:59Z. */
  | 'time_out_of_range';

export interface TurnFailure {
  readonly code: TurnFailureCode;
  /** The agent whose step failed ('' for time_out_of_range). */
  readonly agent_id: string;
  readonly phase: TurnPhase;
  readonly message: string;
  /** For adjudication_invalid: every complaint, one per rejected reply. Else empty. */
  readonly complaints: readonly string[];
  /** mindRequestHash of every request of the failed step that reached the mind. */
  readonly call_hashes: readonly string[];
  /** For mind_failed (and aborted during a call): the MindError as data. */
  readonly mind_failure?: MindFailure;
}

export type TurnOutcome =
  | {
      readonly status: 'committed';
      /** turn + 1, simulation_time + chronon_seconds, every adjudication applied. */
      readonly state: WorldState;
      readonly events: readonly AuditEvent[];
    }
  | {
      readonly status: 'failed';
      readonly failure: TurnFailure;
      /** What completed before the failure, for the audit; none of it is applied. */
      readonly events: readonly AuditEvent[];
    };
