import {
  GovernanceClient,
  type Infrastructure,
  prepareService,
  serve,
  type Stoppable,
} from '@crucible/runtime';
import { EvaluationClient } from './clients/evaluation-client';
import { ScenariosClient } from './clients/scenarios-client';
import { DEFAULT_WORLDS_SETTINGS, type WorldsSettings } from './config';
import { registerHandlers } from './handlers';
import { AdjudicationValidators } from './kernel';
import { createMindFactory, type MindFactory } from '@crucible/minds';
import { DirectiveGate } from './pricing/directive-gate';
import { AttemptDirectiveStore } from './store/attempt-directive-store';
import { LlmCallStore } from './store/llm-call-store';
import { TurnStore } from './store/turn-store';
import { WorldStore } from './store/world-store';
import { AttemptSignals } from './worker/attempt-signals';
import { TurnWorker } from './worker/turn-worker';

export const SERVICE_NAME = 'worlds';
export const SERVICE_VERSION = '0.1.0';

/** What tests may give the service beyond its settings. */
export interface WorldsServiceOptions {
  /** The minds of worlds (default: createMindFactory with the settings' defaults). */
  readonly minds?: MindFactory;
}

/**
 * Starts the worlds service: its handlers and its turn worker (started with
 * the server and stopped after it, so the requests in flight finish first).
 */
export async function startWorldsService(
  infra: Infrastructure,
  settings: WorldsSettings = DEFAULT_WORLDS_SETTINGS,
  options: WorldsServiceOptions = {},
): Promise<Stoppable> {
  const core = await prepareService(infra, { name: SERVICE_NAME, version: SERVICE_VERSION });
  const store = new WorldStore(core.db, core.outbox);
  const turns = new TurnStore(core.db, core.outbox);
  const calls = new LlmCallStore(core.db);
  const minds =
    options.minds ?? createMindFactory({ defaults: settings.mind, logger: core.logger });
  const validators = new AdjudicationValidators();
  const governance = new GovernanceClient(core.client(settings.requestTimeoutMs));
  const evaluation = new EvaluationClient(core.client(settings.requestTimeoutMs));
  const attemptDirectives = new AttemptDirectiveStore(core.db);
  const gate = new DirectiveGate({
    calls,
    governance,
    prices: settings.prices,
    attemptDirectives,
    logger: core.logger,
  });
  const signals = new AttemptSignals();
  const worker = new TurnWorker(
    {
      store,
      turns,
      calls,
      events: core.outbox,
      minds,
      evaluation,
      logger: core.logger,
      gate,
      signals,
    },
    {
      concurrency: settings.workerConcurrency,
      leaseMs: settings.leaseMs,
      pollMs: settings.pollMs,
      maxAgentConcurrency: settings.maxAgentConcurrency,
      mindDefaults: settings.mind,
      validators,
    },
  );
  registerHandlers(
    core.server,
    {
      store,
      turns,
      calls,
      scenarios: new ScenariosClient(core.client(settings.requestTimeoutMs)),
      governance,
      evaluation,
      attemptDirectives,
      events: core.outbox,
      minds,
      maxReplyBytes: infra.bus.maxPayload,
      wakeWorker: () => worker.wake(),
      attemptFinished: (id, ms) => signals.wait(id, ms),
      attemptRunningHere: (id) => signals.runningHere(id),
      logger: core.logger,
    },
    {
      leaseMs: settings.leaseMs,
      maxAgentConcurrency: settings.maxAgentConcurrency,
      mindDefaults: settings.mind,
      validators,
    },
  );
  return serve(core, [worker]);
}
