import type { Logger } from '@crucible/telemetry';
import type { DirectiveStatus } from '@crucible/contracts';
import type { Knex } from '@crucible/database';
import type { GovernanceDeps } from '../handlers/deps';
import { directiveEscalated } from './governance-events';
import { expiredDirectiveStatus } from '../domain/timebox';
import type { DeadlineRow } from '../store/rows';
import type { Cause } from './governance-events';
import { changeDirectiveStatus, endOpenRuns } from './status-changes';

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
 * deadline rows, "Timeboxes"): each is claimed once and, in the claim's
 * transaction, its directive moved on (expiredDirectiveStatus) and its open
 * execution runs ended (expiredRunStatus). authorize_work refuses their work
 * from the deadline on, whether or not a round has run.
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
      for (const deadline of due) await expire(deps, deadline, trx);
      return due.length;
    });
  }

  /**
   * One round: looks whether anything is due (one statement), and only then
   * escalates and expires it, each in its transaction. Most rounds find
   * nothing: they were two transactions of four statements each.
   */
  private async dueRound(): Promise<number[]> {
    const due = await this.deps.directives.dueWork();
    return Promise.all([
      due.reviews ? this.escalateDue() : 0,
      due.deadlines ? this.expireDue() : 0,
    ]);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.dueRound()
        .then((counts) => this.schedule(counts.includes(ROUND_SIZE) ? 0 : this.pollMs))
        .catch((error: unknown) => {
          this.logger.warn('escalation round failed; retrying', { error });
          this.schedule(this.pollMs);
        });
    }, delayMs);
  }
}

/**
 * Acts on one claimed deadline: the directive moved on if it is still
 * workable, then every run of it still open ended, whatever the directive's
 * status (no work may be authorized under it any more). Each change goes
 * through the lifecycle's one mutator, with its history row (actor
 * `timebox`) and event; the locks (directive, then its runs, the order
 * create_execution_run takes them in) keep a concurrent transition out.
 */
async function expire(
  deps: GovernanceDeps,
  deadline: DeadlineRow,
  trx: Knex.Transaction,
): Promise<void> {
  const directive = await deps.directives.lock(deadline.directive_id, trx);
  if (directive === undefined) return;
  const cause: Cause = { requestId: `timebox:${directive.id}`, correlationId: directive.id };
  const reason = `timebox_expired: its timebox ${directive.timebox ?? ''} from its approval ran out at ${deadline.due_at.toISOString()}`;
  const to = expiredDirectiveStatus(directive.status);
  if (to !== undefined) {
    await changeDirectiveStatus(
      deps,
      {
        id: directive.id,
        from: directive.status as DirectiveStatus,
        to,
        actor: 'timebox',
        reason,
        decisionHash: null,
      },
      cause,
      trx,
    );
  }
  await endOpenRuns(
    deps,
    directive.id,
    'timebox',
    `timebox_expired: the timebox ${directive.timebox ?? ''} of directive ${directive.id} ran out at ${deadline.due_at.toISOString()}`,
    cause,
    trx,
  );
}
