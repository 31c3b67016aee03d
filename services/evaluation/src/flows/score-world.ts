import type { GetWorldReply } from '@crucible/contracts';
import type { CallerContext } from '@crucible/messaging';
import type { JudgeClient } from '../clients/judge-client';
import type { WorldsClient } from '../clients/worlds-client';
import type { BreakerSettings } from '../domain/circuit-breaker';
import { hedgedCall } from '../domain/hedged-call';
import { combineVerdicts, type Verdict } from '../domain/judge-ensemble';
import { judgeMessages, parseVerdict, verdictSchema } from '../domain/judge-verdict';
import { applyRuleScorer, type AuditEvent } from '../domain/rule-scorers';
import {
  hedgeOf,
  scoreConfigOf,
  scoreSpecOf,
  type JudgeScorer,
  type Scorer,
} from '../domain/scorer-config';
import { scoresProblem, type ScoreValue } from '../domain/score-rules';
import type { JudgeCharge, JudgeSpend } from './judge-spend';

/** Most audit event pages read for one world (100 events a page). */
const MAX_EVENT_PAGES = 200;

export interface WorldScores {
  readonly scores: Record<string, ScoreValue>;
  /** Judge requests sent (hedged duplicates included) and their tokens. */
  readonly judge_usage: { llm_calls: number; input_tokens: number; output_tokens: number };
}

/** A scorer that could not score: the job fails with it (nothing is stored under its key). */
export class ScoringFailed extends Error {
  readonly code = 'scoring_failed';
  constructor(
    readonly scorer: string,
    message: string,
  ) {
    super(`${scorer}: ${message}`);
  }
}

/**
 * Scores a world at its job's last turn: rule scorers over its audit events
 * (list_turn_events, turns up to the job's) and final state, LLM judges over
 * both through their minds (each judge's request hedged when the scorer
 * says so, its verdict schema-checked; the providers' breakers as the run's
 * `breaker` sets them, else the service's), the judges' verdicts combined by
 * the scorer's ensemble strategy. The scores are checked against the score
 * config the scorers make. With `spend`, each judge scorer asks governance
 * first (a refusal propagates: under a directive the run stops) and, under
 * a directive, reports its judges' calls after.
 */
export async function scoreWorld(
  deps: { readonly worlds: WorldsClient; readonly judges: JudgeClient },
  world: GetWorldReply,
  scorers: readonly Scorer[],
  context: {
    readonly turns: number;
    readonly correlationId: string;
    readonly candidate: string;
    /** The run's experiment's `reliability.circuit_breaker` (absent: the service's). */
    readonly breaker?: BreakerSettings;
    readonly spend?: JudgeSpend;
  },
): Promise<WorldScores> {
  const usage = { llm_calls: 0, input_tokens: 0, output_tokens: 0 };
  if (scorers.length === 0) return { scores: {}, judge_usage: usage };
  const finalState = {
    turn: world.turn,
    simulation_time: world.simulation_time,
    environments: world.environments,
    entities: world.entities,
  };
  const needsEvents = scorers.some((s) => s.kind !== 'state');
  const events = needsEvents
    ? await auditEvents(deps.worlds, world.world.slug, context.turns, {
        correlationId: context.correlationId,
      })
    : [];
  const scores: Record<string, ScoreValue> = {};
  for (const scorer of scorers) {
    if (scorer.kind === 'llm_judge') {
      const evidence = { candidate: context.candidate, final_state: finalState, events };
      const judged = { slug: world.world.slug, turn: world.turn };
      scores[scorer.name] = await judge(deps.judges, scorer, evidence, judged, usage, context);
      continue;
    }
    const outcome = applyRuleScorer(scorer, events, finalState);
    if (!outcome.ok) throw new ScoringFailed(scorer.name, outcome.message);
    scores[scorer.name] = outcome.value;
  }
  const wrong = scoresProblem(scoreConfigOf(scorers), scores, '/scores');
  if (wrong !== null) throw new ScoringFailed(String(wrong.details.path ?? ''), wrong.message);
  return { scores, judge_usage: usage };
}

async function auditEvents(
  worlds: WorldsClient,
  slug: string,
  turns: number,
  caller: CallerContext,
): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_EVENT_PAGES; page++) {
    const reply = await worlds.turnEvents(slug, cursor, caller);
    for (const event of reply.events) {
      if (event.turn <= turns) {
        events.push({
          turn: event.turn,
          kind: event.kind,
          agent_id: event.agent_id,
          data: event.data,
        });
      }
    }
    cursor = reply.next_cursor;
    if (cursor === undefined) return events;
  }
  throw new ScoringFailed('events', `more than ${MAX_EVENT_PAGES} pages of audit events`);
}

async function judge(
  judges: JudgeClient,
  scorer: JudgeScorer,
  evidence: unknown,
  world: { readonly slug: string; readonly turn: number },
  usage: { llm_calls: number; input_tokens: number; output_tokens: number },
  context: { readonly breaker?: BreakerSettings; readonly spend?: JudgeSpend },
): Promise<ScoreValue> {
  const { breaker, spend } = context;
  const request = {
    messages: judgeMessages(scorer, evidence),
    schema: verdictSchema(scorer),
    spec: scoreSpecOf(scorer),
    world,
  };
  const problems: string[] = [];
  // Outside the judges' try: a refusal by governance is not a judge's problem.
  await spend?.before();
  const answers: JudgeCharge[] = [];
  const settled = await Promise.all(
    scorer.judges.map(async (ref): Promise<Verdict | undefined> => {
      const online = ref.mind.provider === 'openai-compatible';
      try {
        const { value: answer, sent } = await hedgedCall(
          (attempt, signal) =>
            judges.ask(ref.mind, request, signal, { judgeId: ref.id, attempt }, { breaker }),
          hedgeOf(scorer),
        );
        if (online) usage.llm_calls += sent;
        // The winner's tokens: a hedged duplicate given up on reports none.
        answers.push({
          mind: ref.mind,
          input_tokens: answer.input_tokens,
          output_tokens: answer.output_tokens,
        });
        usage.input_tokens += answer.input_tokens;
        usage.output_tokens += answer.output_tokens;
        const verdict = parseVerdict(scorer, answer.text);
        if (!verdict.ok) {
          problems.push(`${ref.id}: ${verdict.problem}`);
          return undefined;
        }
        return {
          judge: ref.id,
          value: verdict.value,
          confidence: verdict.confidence,
          weight: ref.weight,
        };
      } catch (error) {
        if (online) usage.llm_calls += 1;
        problems.push(`${ref.id}: ${error instanceof Error ? error.message : String(error)}`);
        return undefined;
      }
    }),
  );
  await spend?.after(answers);
  const verdicts = settled.filter((v): v is Verdict => v !== undefined);
  const combined = combineVerdicts(verdicts, scorer.strategy);
  if (!combined.ok) {
    throw new ScoringFailed(
      scorer.name,
      `${combined.reason} (${problems.join('; ') || 'no problem reported'})`,
    );
  }
  return combined.value;
}
