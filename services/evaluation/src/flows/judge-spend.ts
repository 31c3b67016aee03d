import { randomUUID } from 'node:crypto';
import { callCost, type PriceTable } from '@crucible/runtime';
import type { GovernanceClient } from '@crucible/runtime';

/** The work type of a judge call in authorize_work and record_spend. */
export const JUDGE_WORK = 'judge_call';

/** A judge's answer as it is charged: its mind and the tokens it reported. */
export interface JudgeCharge {
  readonly mind: Readonly<Record<string, unknown>>;
  readonly input_tokens: number;
  readonly output_tokens: number;
}

/**
 * The governance checks of a run's judge calls
 * (docs/services/evaluation.md, "Runs under a directive"): `before` asks
 * governance whether work may go on, with or without a directive, like the
 * worlds service for a turn (a policy may list judge_call; under a
 * directive a refusal such as budget_exhausted propagates and stops the
 * run); `after` reports, under a directive, the calls made, priced by the
 * table (EVALUATION_PRICE_TABLE). Only online judges make LLM calls:
 * the offline judge costs nothing and is not reported. Each answer is its
 * own charge (a fresh key): a job scored again after a crash asked its
 * judges again, and paid again.
 */
export class JudgeSpend {
  constructor(
    private readonly deps: { readonly governance: GovernanceClient; readonly prices: PriceTable },
    private readonly directiveId: string | undefined,
    private readonly subject: string,
    private readonly correlationId: string,
  ) {}

  async before(): Promise<void> {
    await this.deps.governance.authorize(
      {
        work: JUDGE_WORK,
        ...(this.directiveId !== undefined && { directive_id: this.directiveId }),
        subject: this.subject,
      },
      { correlationId: this.correlationId },
    );
  }

  async after(answers: readonly JudgeCharge[]): Promise<void> {
    const charged = answers.filter((a) => a.mind.provider === 'openai-compatible');
    if (this.directiveId === undefined || charged.length === 0) return;
    const { prices } = this.deps;
    await this.deps.governance.recordSpend(
      {
        directive_id: this.directiveId,
        work: JUDGE_WORK,
        subject: this.subject,
        charges: charged.map((answer) => {
          const call = {
            provider: String(answer.mind.provider),
            model: typeof answer.mind.model === 'string' ? answer.mind.model : 'default',
            input_tokens: answer.input_tokens,
            output_tokens: answer.output_tokens,
          };
          return {
            key: `evaluation:judge_call:${randomUUID()}`,
            model: call.model,
            tokens: call.input_tokens + call.output_tokens,
            amount: callCost(prices, call),
            currency: prices.currency,
          };
        }),
      },
      { correlationId: this.correlationId },
    );
  }
}
