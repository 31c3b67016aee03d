import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { IdleSlots } from '@crucible/runtime';
import type { Logger } from '@crucible/telemetry';
import { agentOf, runTurn, type AdjudicationValidators, type WorldState } from '../kernel';
import { commitOutcome, type CommitDeps, type CommitReport } from '../flows/commit-turn';
import { decodeState, encodeState } from '../flows/state-codec';
import { readTurnState } from '../flows/world-states';
import type { MindDefaults, MindFactory } from '@crucible/minds';
import type { DirectiveGate } from '../pricing/directive-gate';
import type { AttemptRow, ClaimedAttempt, LlmCallRow, StoredState, WorldRow } from '../store/rows';
import type { AttemptSignals } from './attempt-signals';
import { RecordedCallDiffers, RecordingMind } from './recording-mind';
import { mindRequestSettings } from './world-mind';
import { resolvedMind } from '../flows/deployment-mind';
import type { EvaluationClient } from '../clients/evaluation-client';

/** Worlds whose last committed state a worker keeps (see TurnWorker.stateOf). */
const REMEMBERED_WORLDS = 64;

export interface TurnWorkerOptions {
  /** Attempts run at once (each of another world, as a world's attempts run in order). */
  readonly concurrency: number;
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly maxAgentConcurrency: number;
  readonly mindDefaults: MindDefaults;
  /** Compiled adjudication schemas, shared by every turn (compiling one per turn cost more than the turn). */
  readonly validators: AdjudicationValidators;
}

/**
 * Runs queued turn attempts. Every replica runs one; they share the queue in
 * turn_attempts: a slot claims the next attempt it may run (the oldest
 * unfinished one of its world), holds it with a lease it renews every third
 * of the lease, and commits the outcome only while the lease is still its
 * own. A replica that dies stops renewing; once its lease runs out another
 * claims the attempt and runs the turn again from the committed state, its
 * LLM calls answered from the records the first one left.
 */
export class TurnWorker {
  /** Identifies this worker's leases (host, pid and a random part). */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private stopping = false;
  private readonly slots: Promise<void>[] = [];
  private readonly running = new Map<number, AbortController>();
  private readonly idleSlots: IdleSlots;
  /** The state this worker last committed per world (the most recent REMEMBERED_WORLDS worlds). */
  private readonly lastCommitted = new Map<number, { turn: number; state: StoredState }>();

  constructor(
    private readonly deps: CommitDeps & {
      readonly minds: MindFactory;
      /** Where a deployment mind's deployment answers (resolved for each turn). */
      readonly evaluation: Pick<EvaluationClient, 'resolveDeployment'>;
      readonly logger: Logger;
      /** Checks and charges the turns of attempts run under a directive (budgets). */
      readonly gate: DirectiveGate;
      readonly signals: AttemptSignals;
    },
    private readonly options: TurnWorkerOptions,
  ) {
    this.idleSlots = new IdleSlots(options.pollMs);
  }

  start(): Promise<void> {
    for (let i = 0; i < this.options.concurrency; i++) this.slots.push(this.loop());
    return Promise.resolve();
  }

  /**
   * Looks for work now (run_turn queued some): one idle slot, as a world's
   * attempts run one at a time; a slot whose claim saw more wakes the next.
   */
  wake(): void {
    this.idleSlots.signal();
  }

  /**
   * Stops claiming, aborts the turns running here and hands their attempts
   * back (queued again, lease cleared) so another replica takes them at once.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.idleSlots.wake();
    for (const controller of this.running.values()) controller.abort();
    await Promise.all(this.slots);
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      let claimed: ClaimedAttempt | undefined;
      try {
        claimed = await this.deps.turns.claimNext(this.owner, this.options.leaseMs);
      } catch (error) {
        this.deps.logger.warn('claiming a turn attempt failed', { error: String(error) });
      }
      if (claimed) {
        // The claim saw more work: the next idle slot looks at once.
        if (claimed.more) this.idleSlots.wakeOne();
        const attemptId = claimed.attempt.id;
        const lookAgain = await this.run(claimed).catch((error: unknown) => {
          this.deps.logger.error('turn attempt failed to run', {
            error: String(error),
            attempt_id: attemptId,
          });
          return true;
        });
        // A commit that saw nothing to claim: this slot waits for a wake
        // (a run_turn here since, kept if it came while no slot was idle) or
        // the poll, instead of a claim that would find nothing.
        if (lookAgain) continue;
      }
      await this.idleSlots.idle();
    }
  }

  /**
   * Runs a claimed attempt to its end; resolves whether the slot should look
   * for work at once (false only after a commit that saw nothing claimable).
   */
  private async run(claimed: ClaimedAttempt): Promise<boolean> {
    const { deps, options } = this;
    // The claim read the world and the directive beside the attempt.
    const { attempt, world, directive_id: directiveId } = claimed;
    const claimedTarget = attempt.target_turn;
    // The records a crashed attempt left for the turn, read (only if there are any) beside the state.
    const records: Promise<LlmCallRow[]> =
      claimedTarget === null || !claimed.has_records
        ? Promise.resolve([])
        : deps.calls.forTurn([attempt.world_id], claimedTarget);
    records.catch(() => undefined);
    if (world.deleted_at !== null) return true; // delete_world failed it already
    const state = await this.stateOf(world);
    const target = state.turn + 1;
    if (claimedTarget !== target) await deps.turns.setTarget(attempt.id, this.owner, target);
    // The claim numbered the target turn's audit events; another turn's the commit reads.
    const firstSeq = claimedTarget === target ? claimed.next_seq : undefined;
    const gated = {
      attempt_id: attempt.id,
      world_id: world.id,
      world_slug: world.slug,
      turn: target,
    };
    if (directiveId !== undefined) {
      // Refused (budget spent, directive not approved): failed before any LLM call, world unchanged.
      const refused = await deps.gate.before(directiveId, gated);
      if (refused !== undefined) {
        const report = await commitOutcome(deps, attempt, this.owner, state.turn, {
          status: 'failed',
          failure: refused,
          events: [],
        });
        this.finished(attempt, report);
        return true;
      }
    }
    const controller = new AbortController();
    this.running.set(attempt.id, controller);
    deps.signals.started(attempt.id);
    let leaseLost = false;
    const heartbeat = setInterval(
      () => {
        deps.turns.heartbeat(attempt.id, this.owner, options.leaseMs).then(
          (held) => {
            if (!held) {
              leaseLost = true;
              controller.abort();
            }
          },
          (error: unknown) => deps.logger.warn('lease heartbeat failed', { error: String(error) }),
        );
      },
      Math.max(50, Math.floor(options.leaseMs / 3)),
    );
    try {
      // A deployment mind that no longer resolves (terminated, unknown) fails the turn here, before any call.
      const mindConfig = await resolvedMind(world.mind, deps.evaluation);
      const settings = mindRequestSettings(mindConfig, options.mindDefaults);
      const scope = {
        world_id: world.id,
        turn: target,
        profileOf: (id: string) => {
          const entity = state.entities[id];
          return entity === undefined ? undefined : agentOf(entity)?.cognition_profile;
        },
      };
      const turnOptions = {
        engine: world.engine,
        model: settings.model,
        params: settings.params,
        max_concurrency: options.maxAgentConcurrency,
        signal: controller.signal,
        validators: options.validators,
      };
      const inner = deps.minds(mindConfig);
      let mind = new RecordingMind(inner, deps.calls, scope);
      await mind.prefetch(claimedTarget === target ? await records : undefined);
      let outcome = await runTurn(state, mind, turnOptions);
      // A turn committed with no directive writes its last records (a
      // deterministic mind's held ones, any other's not sent yet) in its
      // commit statement, one round trip fewer (a directive's charges read
      // the turn's records before the commit).
      let held = outcome.status === 'committed' && directiveId === undefined ? mind.takeHeld() : [];
      const writeHeld = async (): Promise<void> => {
        mind.putBack(held);
        held = [];
        await mind.flush();
      };
      const runAgain = async (error: RecordedCallDiffers): Promise<void> => {
        // Another mind recorded some of these requests first: their records are the answers.
        deps.logger.warn('recorded calls differ from the offline answers; running the turn again', {
          attempt_id: attempt.id,
          hashes: error.hashes.length,
        });
        held = [];
        mind = new RecordingMind(inner, deps.calls, scope, { lookupFirst: true });
        await mind.prefetch();
        outcome = await runTurn(state, mind, turnOptions);
        await mind.flush();
      };
      try {
        await mind.flush();
      } catch (error) {
        if (!(error instanceof RecordedCallDiffers)) throw error;
        await runAgain(error);
      }
      if (leaseLost) {
        await writeHeld();
        return true;
      }
      if (outcome.status === 'failed' && outcome.failure.code === 'aborted' && this.stopping) {
        await this.release(attempt);
        return true;
      }
      // The turn's spend is recorded before it is committed, never after.
      const unrecorded =
        directiveId === undefined ? undefined : await deps.gate.after(directiveId, gated);
      const final =
        unrecorded === undefined
          ? outcome
          : { status: 'failed' as const, failure: unrecorded, events: outcome.events };
      let encoded = final.status === 'committed' ? encodeState(final.state) : undefined;
      let report: CommitReport;
      try {
        report = await commitOutcome(deps, attempt, this.owner, state.turn, final, {
          stored: encoded,
          worldSlug: world.slug,
          ...(firstSeq === undefined ? {} : { firstSeq }),
          ...(held.length === 0 ? {} : { records: { calls: held, writeRecords: writeHeld } }),
        });
      } catch (error) {
        // Only a held record can differ here, and then nothing was committed.
        if (!(error instanceof RecordedCallDiffers)) throw error;
        await runAgain(error);
        if (leaseLost) return true;
        encoded = outcome.status === 'committed' ? encodeState(outcome.state) : undefined;
        report = await commitOutcome(deps, attempt, this.owner, state.turn, outcome, {
          stored: encoded,
          worldSlug: world.slug,
          ...(firstSeq === undefined ? {} : { firstSeq }),
        });
      }
      this.finished(attempt, report);
      if (report.result === 'committed' && encoded) this.remember(world, target, encoded);
      return report.finished?.claimable ?? true;
    } catch (error) {
      if (this.stopping) {
        await this.release(attempt);
        return true;
      }
      if (leaseLost) return true;
      const report = await commitOutcome(deps, attempt, this.owner, state.turn, {
        status: 'failed',
        failure: {
          code: 'internal',
          agent_id: null,
          phase: null,
          message: error instanceof Error ? error.message : String(error),
          complaints: [],
        },
        events: [],
      });
      this.finished(attempt, report);
      return true;
    } finally {
      clearInterval(heartbeat);
      this.running.delete(attempt.id);
      deps.signals.stopped(attempt.id);
    }
  }

  /**
   * A world's current state: the one this worker committed last, when the
   * world is still at that turn (a committed turn never changes), decoded
   * from the rows it wrote, exactly as reading them back would; otherwise
   * read from the database.
   */
  private async stateOf(world: WorldRow): Promise<WorldState> {
    const last = this.lastCommitted.get(world.id);
    if (last !== undefined && last.turn === world.current_turn) {
      return decodeState(world.slug, last.state.manifest, last.state.pieces);
    }
    return (await readTurnState(this.deps, world)).state;
  }

  private remember(world: WorldRow, turn: number, state: StoredState): void {
    this.lastCommitted.delete(world.id);
    this.lastCommitted.set(world.id, { turn, state });
    if (this.lastCommitted.size > REMEMBERED_WORLDS) {
      const oldest = this.lastCommitted.keys().next().value;
      if (oldest !== undefined) this.lastCommitted.delete(oldest);
    }
  }

  /** Wakes this replica's get_turn_status waits of an attempt this worker finished. */
  private finished(attempt: AttemptRow, report: CommitReport): void {
    if (report.result !== 'lease_lost') this.deps.signals.finished(attempt.id, report.finished);
  }

  /** Hands an attempt back to the queue (this replica is stopping). */
  private release(attempt: AttemptRow): Promise<void> {
    return this.deps.turns.release(attempt.id, this.owner);
  }
}
