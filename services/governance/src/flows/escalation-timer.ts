import type { Logger } from '@crucible/telemetry';
import type { GovernanceDeps } from '../handlers/deps';
import { directiveEscalated } from './governance-events';

/** How many due reviews one round escalates. */
const ROUND_SIZE = 100;

/**
 * Escalates proposals still waiting for a human when their timebox runs
 * out. The timer is a due time stored with the pending review, polled every
 * `pollMs`: nothing lives in memory, so it survives restarts, and a replica
 * claims each due row once (SKIP LOCKED) in the transaction that writes its
 * `directive_escalated` event (docs/services/governance.md, "Escalation").
 */
export class EscalationTimer {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly deps: GovernanceDeps,
    private readonly pollMs: number,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    this.stopped = false;
    this.schedule(0);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.round;
  }

  /** One round: escalates what is due now; the number escalated. */
  async escalateDue(): Promise<number> {
    const { deps } = this;
    return deps.directives.transaction(async (trx) => {
      const at = await deps.directives.now(trx);
      const due = await deps.directives.claimDueReviews(at, ROUND_SIZE, trx);
      await deps.directives.enqueue(
        due.map((review) =>
          directiveEscalated(
            deps.events,
            { requestId: `escalation:${review.directive_id}`, correlationId: review.directive_id },
            {
              directive_id: review.directive_id,
              decision_hash: review.decision_hash,
              due_at: (review.due_at ?? at).toISOString(),
              escalated_at: at.toISOString(),
              actor: null,
            },
          ),
        ),
        trx,
      );
      return due.length;
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.escalateDue()
        .then((n) => this.schedule(n === ROUND_SIZE ? 0 : this.pollMs))
        .catch((error: unknown) => {
          this.logger.warn('escalation round failed; retrying', { error });
          this.schedule(this.pollMs);
        });
    }, delayMs);
  }
}
