import type { Logger } from '@crucible/telemetry';
import type { DirectiveStatus } from '@crucible/contracts';
import type { GovernanceDeps } from '../handlers/deps';
import { directiveEscalated } from './governance-events';
import { changeDirectiveStatus } from './status-changes';

/**
 * Where a directive whose timebox ran out goes (the lifecycle's edges out
 * of a workable status): an approved one never started, so it is blocked
 * (it may be proposed again, and its next approval starts a new timebox);
 * an executing one is aborted.
 */
const EXPIRED_TO: Readonly<Record<string, DirectiveStatus>> = {
  approved: 'blocked',
  executing: 'aborted',
};

/** How many due reviews one round escalates. */
const ROUND_SIZE = 100;

/**
 * Escalates proposals still waiting for a human when their timebox runs
 * out. The timer is a due time stored with the pending review, polled every
 * `pollMs`: nothing lives in memory, so it survives restarts, and a replica
 * claims each due row once (SKIP LOCKED) in the transaction that writes its
 * `directive_escalated` event (docs/services/governance.md, "Escalation").
 *
 * The same rounds act on approved directives whose timebox ran out (their
 * deadline rows, "Timeboxes"): each is claimed once and its directive moved
 * on (EXPIRED_TO) in the claim's transaction. authorize_work refuses their
 * work from the deadline on, whether or not a round has run.
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

  /** One round: moves on the directives whose timebox ran out by now; the number claimed. */
  async expireDue(): Promise<number> {
    const { deps } = this;
    return deps.deadlines.transaction(async (trx) => {
      const at = await deps.deadlines.now(trx);
      const due = await deps.deadlines.claimDue(at, ROUND_SIZE, trx);
      for (const deadline of due) {
        const directive = await deps.directives.lock(deadline.directive_id, trx);
        const to = directive === undefined ? undefined : EXPIRED_TO[directive.status];
        if (directive === undefined || to === undefined) continue; // moved on already
        await changeDirectiveStatus(
          deps,
          {
            id: directive.id,
            from: directive.status as DirectiveStatus,
            to,
            actor: 'timebox',
            reason: `timebox_expired: its timebox ${directive.timebox ?? ''} from its approval ran out at ${deadline.due_at.toISOString()}`,
            decisionHash: null,
          },
          { requestId: `timebox:${directive.id}`, correlationId: directive.id },
          trx,
        );
      }
      return due.length;
    });
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = Promise.all([this.escalateDue(), this.expireDue()])
        .then((counts) => this.schedule(counts.includes(ROUND_SIZE) ? 0 : this.pollMs))
        .catch((error: unknown) => {
          this.logger.warn('escalation round failed; retrying', { error });
          this.schedule(this.pollMs);
        });
    }, delayMs);
  }
}
