import type { ScoreSpec, ScoreValue } from './score-rules';

/** An audit event of a world (worlds' list_turn_events). */
export interface AuditEvent {
  readonly turn: number;
  readonly kind: string;
  readonly agent_id: string | null;
  readonly data: unknown;
}

/** Which audit events a rule looks at: all, or those of a kind and/or an agent. */
export interface EventFilter {
  readonly event_kind?: string;
  readonly agent_id?: string;
}

/**
 * The rule-based scorers (docs/services/evaluation.md, "Scorers"):
 * - `count` (numeric): how many matching events, of those containing any
 *   of `contains` when given;
 * - `absent` (boolean): true when no matching event contains any of
 *   `contains` (a forbidden fact leaking into a perception makes it false);
 * - `present` (boolean): true when some matching event contains one;
 * - `state` (numeric, categorical or boolean): the value at `pointer` in
 *   the world's final state, typed by `type`.
 * Texts are matched as literal, case-insensitive substrings of the event's
 * data as JSON (no regular expressions: a pattern from a request never
 * runs as code).
 */
export type RuleScorer =
  | (EventFilter & {
      readonly name: string;
      readonly kind: 'count';
      readonly contains?: readonly string[];
    })
  | (EventFilter & {
      readonly name: string;
      readonly kind: 'absent' | 'present';
      readonly contains: readonly string[];
    })
  | {
      readonly name: string;
      readonly kind: 'state';
      readonly pointer: string;
      readonly type: ScoreSpec['type'];
      readonly values?: readonly string[];
      readonly min?: number;
      readonly max?: number;
    };

/** The score a rule scorer gives, typed as its score config says. */
export function ruleScoreSpec(scorer: RuleScorer): ScoreSpec {
  switch (scorer.kind) {
    case 'count':
      return { type: 'numeric', min: 0 };
    case 'absent':
    case 'present':
      return { type: 'boolean' };
    case 'state': {
      const spec: { -readonly [K in keyof ScoreSpec]: ScoreSpec[K] } = { type: scorer.type };
      if (scorer.values !== undefined) spec.values = scorer.values;
      if (scorer.min !== undefined) spec.min = scorer.min;
      if (scorer.max !== undefined) spec.max = scorer.max;
      return spec;
    }
  }
}

export type RuleOutcome =
  | { readonly ok: true; readonly value: ScoreValue }
  | {
      readonly ok: false;
      readonly reason: 'state_value_missing' | 'state_value_wrong_type';
      readonly message: string;
    };

/** Applies a rule scorer to a world's audit events and final state. */
export function applyRuleScorer(
  scorer: RuleScorer,
  events: readonly AuditEvent[],
  finalState: unknown,
): RuleOutcome {
  switch (scorer.kind) {
    case 'count': {
      const matching = events.filter((e) => matchesFilter(e, scorer));
      const counted =
        scorer.contains === undefined
          ? matching
          : matching.filter((e) => containsAny(e, scorer.contains ?? []));
      return { ok: true, value: counted.length };
    }
    case 'absent':
    case 'present': {
      const found = events.some((e) => matchesFilter(e, scorer) && containsAny(e, scorer.contains));
      return { ok: true, value: scorer.kind === 'present' ? found : !found };
    }
    case 'state': {
      const value = readPointer(finalState, scorer.pointer);
      if (value === undefined) {
        return {
          ok: false,
          reason: 'state_value_missing',
          message: `the final state has nothing at ${scorer.pointer}`,
        };
      }
      const typed =
        (scorer.type === 'numeric' && typeof value === 'number') ||
        (scorer.type === 'boolean' && typeof value === 'boolean') ||
        (scorer.type === 'categorical' && typeof value === 'string');
      if (!typed) {
        return {
          ok: false,
          reason: 'state_value_wrong_type',
          message: `${scorer.pointer} holds ${JSON.stringify(value)}, not a ${scorer.type} value`,
        };
      }
      return { ok: true, value };
    }
  }
}

function matchesFilter(event: AuditEvent, filter: EventFilter): boolean {
  return (
    (filter.event_kind === undefined || event.kind === filter.event_kind) &&
    (filter.agent_id === undefined || event.agent_id === filter.agent_id)
  );
}

function containsAny(event: AuditEvent, texts: readonly string[]): boolean {
  const haystack = JSON.stringify(event.data ?? null).toLowerCase();
  return texts.some((text) => haystack.includes(text.toLowerCase()));
}

/** The value at a JSON Pointer (RFC 6901), or undefined. */
export function readPointer(document: unknown, pointer: string): unknown {
  if (pointer === '') return document;
  if (!pointer.startsWith('/')) return undefined;
  let at: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      at = at[Number(token)];
    } else if (typeof at === 'object' && at !== null) {
      if (!Object.prototype.hasOwnProperty.call(at, token)) return undefined;
      at = (at as Record<string, unknown>)[token];
    } else return undefined;
  }
  return at;
}
