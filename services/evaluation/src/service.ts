import {
  GovernanceClient,
  type Infrastructure,
  prepareService,
  serve,
  type Stoppable,
} from '@crucible/runtime';
import { JudgeClient } from './clients/judge-client';
import { NamesClient } from './clients/names-client';
import { ScenariosClient } from './clients/scenarios-client';
import { WorldsClient } from './clients/worlds-client';
import { DEFAULT_EVALUATION_SETTINGS, type EvaluationSettings } from './config';
import { feedbackStreamConsumer } from './consumers/feedback-stream';
import { scenarioProfileCache } from './flows/suite-scenarios';
import { worldTurnsConsumer } from './consumers/world-turns';
import type { EvaluationDeps } from './handlers/deps';
import { registerHandlers } from './handlers';
import { GateStore } from './store/gate-store';
import { FeedbackStore } from './store/feedback-store';
import { LifecycleStore } from './store/lifecycle-store';
import { RecordStore } from './store/record-store';
import { RegistryStore } from './store/registry-store';
import { ResultStore } from './store/result-store';
import { RunStore } from './store/run-store';
import { RunWorker } from './worker/run-worker';

export const SERVICE_NAME = 'evaluation';
export const SERVICE_VERSION = '0.1.0';

/**
 * Starts the evaluation service on the given infrastructure (see
 * prepareService and serve): its handlers, the consumers of the worlds'
 * turn events and of the feedback stream and the run worker (stopped after the server, so the
 * requests in flight finish first).
 */
export async function startEvaluationService(
  infra: Infrastructure,
  settings: EvaluationSettings = DEFAULT_EVALUATION_SETTINGS,
): Promise<Stoppable> {
  const core = await prepareService(infra, { name: SERVICE_NAME, version: SERVICE_VERSION });
  const rpc = core.client(settings.requestTimeoutMs);
  // The worker is made after the deps it works with; start_run wakes it through them.
  const wake = { worker: undefined as RunWorker | undefined };
  const deps: EvaluationDeps = {
    store: new RecordStore(core.db, core.outbox),
    registry: new RegistryStore(core.db),
    lifecycle: new LifecycleStore(core.db),
    feedback: new FeedbackStore(core.db),
    results: new ResultStore(core.db),
    runs: new RunStore(core.db, core.outbox),
    gates: new GateStore(core.db),
    names: new NamesClient(rpc),
    scenarios: new ScenariosClient(rpc),
    scenarioProfiles: scenarioProfileCache(),
    worlds: new WorldsClient(rpc),
    judges: new JudgeClient({
      breaker: settings.judgeBreaker,
      env: process.env,
      timeoutMs: settings.judgeTimeoutMs,
      logger: core.logger,
    }),
    governance: new GovernanceClient(rpc),
    prices: settings.prices,
    wakeRunWorker: () => wake.worker?.wake(),
    events: core.outbox,
    settings,
    logger: core.logger,
  };
  const worker = new RunWorker(deps, {
    concurrency: settings.workerConcurrency,
    leaseMs: settings.leaseMs,
    pollMs: settings.pollMs,
  });
  wake.worker = worker;
  registerHandlers(core.server, deps);
  return serve(core, [
    worldTurnsConsumer(core, deps, deps.wakeRunWorker),
    feedbackStreamConsumer(core, deps),
    worker,
  ]);
}
