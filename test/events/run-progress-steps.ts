/** LLM calls and tokens, as a run's progress and a job's result count them. */
export interface Spend {
  readonly llm_calls: number;
  readonly input_tokens: number;
  readonly output_tokens: number;
}

/**
 * What moved a run, as its `run_progressed` events say (their causation):
 * a committed turn of one of its worlds, or a world done, with the spend
 * its result stored.
 */
export type Step =
  | { readonly kind: 'turn'; readonly label: string }
  | { readonly kind: 'world'; readonly label: string; readonly spend: Spend };

/** A done job's spend: its world's LLM calls and its judges'. */
export function spendOf(result: { usage: Spend; judge_usage: Spend }): Spend {
  return {
    llm_calls: result.usage.llm_calls + result.judge_usage.llm_calls,
    input_tokens: result.usage.input_tokens + result.judge_usage.input_tokens,
    output_tokens: result.usage.output_tokens + result.judge_usage.output_tokens,
  };
}

/**
 * The `run_progressed` data a run of `totals` worlds and turns (none
 * reused, none failed) writes: at its start, then after each step; the
 * step that finishes its last world completes it. Counted from the steps, as docs/services/evaluation.md
 * ("get_run_progress") defines the figures: spend is that of the worlds
 * done; the estimate is the turns left (every turn of an unfinished world
 * not yet committed) at the spend per committed turn so far.
 */
export function expectedProgress(
  runId: number,
  steps: readonly Step[],
  totals: { worlds: number; turns: number },
): unknown[] {
  let turnsDone = 0;
  let worldsDone = 0;
  let spend: Spend = { llm_calls: 0, input_tokens: 0, output_tokens: 0 };
  const progress = () => {
    // The run completes in the transaction that finishes its last world.
    const status = worldsDone === totals.worlds ? 'completed' : 'running';
    const left = totals.turns - turnsDone;
    const perTurn = (total: number): number =>
      turnsDone === 0 ? 0 : Math.ceil((total / turnsDone) * left);
    return {
      run_id: runId,
      status,
      worlds_total: totals.worlds,
      worlds_done: worldsDone,
      worlds_reused: 0,
      worlds_failed: 0,
      worlds_cancelled: 0,
      turns_total: totals.turns,
      turns_done: turnsDone,
      spend,
      estimate_remaining: {
        turns: left,
        llm_calls: perTurn(spend.llm_calls),
        input_tokens: perTurn(spend.input_tokens),
        output_tokens: perTurn(spend.output_tokens),
      },
    };
  };
  const seen = [progress()];
  for (const step of steps) {
    if (step.kind === 'turn') turnsDone += 1;
    else {
      worldsDone += 1;
      spend = {
        llm_calls: spend.llm_calls + step.spend.llm_calls,
        input_tokens: spend.input_tokens + step.spend.input_tokens,
        output_tokens: spend.output_tokens + step.spend.output_tokens,
      };
    }
    seen.push(progress());
  }
  return seen;
}
