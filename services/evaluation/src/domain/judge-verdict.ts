import type { JudgeScorer } from './scorer-config';
import { scoreSpecOf } from './scorer-config';
import { scoresProblem, type ScoreValue } from './score-rules';

/** A chat message to a judge (the OpenAI chat shape the minds speak). */
export interface JudgeMessage {
  readonly role: 'system' | 'user';
  readonly content: string;
}

/**
 * The JSON Schema a judge's answer must meet: `{score, reason, confidence?}`
 * with `score` typed as the scorer's score (the structured output the
 * judge is asked for, and what its answer is checked against).
 */
export function verdictSchema(scorer: JudgeScorer): Record<string, unknown> {
  const spec = scoreSpecOf(scorer);
  const score: Record<string, unknown> =
    spec.type === 'numeric'
      ? {
          type: 'number',
          ...(spec.min !== undefined && { minimum: spec.min }),
          ...(spec.max !== undefined && { maximum: spec.max }),
        }
      : spec.type === 'boolean'
        ? { type: 'boolean' }
        : { type: 'string', enum: [...(spec.values ?? [])] };
  return {
    type: 'object',
    additionalProperties: false,
    required: ['score', 'reason'],
    properties: {
      score,
      reason: { type: 'string', maxLength: 2000 },
      confidence: { type: 'number', minimum: 0, maximum: 1 },
    },
  };
}

/** The messages a judge gets: the rubric and the answer's schema, then the evidence as JSON. */
export function judgeMessages(scorer: JudgeScorer, evidence: unknown): JudgeMessage[] {
  return [
    {
      role: 'system',
      content: [
        `You are an evaluator. Score "${scorer.name}" by this rubric:`,
        scorer.rubric,
        'Answer with one JSON object only, meeting this JSON Schema:',
        JSON.stringify(verdictSchema(scorer)),
      ].join('\n\n'),
    },
    { role: 'user', content: JSON.stringify(evidence) },
  ];
}

export type ParsedVerdict =
  | {
      readonly ok: true;
      readonly value: ScoreValue;
      readonly reason: string;
      readonly confidence: number;
    }
  | { readonly ok: false; readonly problem: string };

/**
 * A judge's answer, checked: JSON (a fenced ```json block is unwrapped), an
 * object with `score` of the score's type and range or categories, a
 * `reason` text and an optional `confidence` in 0..1. Anything else is a
 * problem, never a score.
 */
export function parseVerdict(scorer: JudgeScorer, text: string): ParsedVerdict {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  let answer: unknown;
  try {
    answer = JSON.parse(fenced?.[1] ?? text);
  } catch {
    return { ok: false, problem: 'the answer is not JSON' };
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) {
    return { ok: false, problem: 'the answer is not a JSON object' };
  }
  const { score, reason, confidence, ...rest } = answer as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) return { ok: false, problem: `unknown field ${extra[0]}` };
  if (typeof reason !== 'string') return { ok: false, problem: 'reason: a text is required' };
  if (
    confidence !== undefined &&
    (typeof confidence !== 'number' || confidence < 0 || confidence > 1)
  ) {
    return { ok: false, problem: 'confidence: a number from 0 to 1' };
  }
  if (score === undefined) return { ok: false, problem: 'score: missing' };
  const wrong = scoresProblem(
    { scores: { [scorer.name]: scoreSpecOf(scorer) } },
    { [scorer.name]: score as ScoreValue },
    '',
  );
  if (wrong !== null) return { ok: false, problem: `score: ${wrong.message}` };
  return {
    ok: true,
    value: score as ScoreValue,
    reason,
    confidence: typeof confidence === 'number' ? confidence : 1,
  };
}
