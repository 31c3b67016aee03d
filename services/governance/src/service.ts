import { prepareService, serve, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { DEFAULT_GOVERNANCE_SETTINGS, type GovernanceSettings } from './config';
import { ensureActivePolicy } from './flows/default-policy';
import { EscalationTimer } from './flows/escalation-timer';
import { registerHandlers } from './handlers';
import type { GovernanceDeps } from './handlers/deps';
import { OfflineEmbedder, OpenAiEmbedder, type Embedder } from './clients/embedder';
import { versionedSchemas } from './domain/memory-versions';
import { DeadlineStore, DirectiveStore } from './store/directive-store';
import { MemoryStore } from './store/memory-store';
import { PolicyStore } from './store/policy-store';
import { RecordStore } from './store/record-store';
import { SpendStore } from './store/spend-store';

export const SERVICE_NAME = 'governance';
export const SERVICE_VERSION = '0.1.0';

/**
 * Starts the governance service on the given infrastructure: its schema,
 * the first policy if none is active, its handlers and the timer of
 * escalations and timeboxes.
 */
export async function startGovernanceService(
  infra: Infrastructure,
  settings: GovernanceSettings = DEFAULT_GOVERNANCE_SETTINGS,
): Promise<Stoppable> {
  const core = await prepareService(infra, { name: SERVICE_NAME, version: SERVICE_VERSION });
  const deps: GovernanceDeps = {
    directives: new DirectiveStore(core.db, core.outbox),
    deadlines: new DeadlineStore(core.db, core.outbox),
    policies: new PolicyStore(core.db, core.outbox),
    records: new RecordStore(core.db, core.outbox),
    spend: new SpendStore(core.db, core.outbox),
    memories: new MemoryStore(core.db, core.outbox),
    memorySchemas: versionedSchemas(infra.catalog.registry.list(), (file) =>
      infra.catalog.registry.schema(file),
    ),
    embedder: embedderOf(settings),
    events: core.outbox,
    logger: core.logger,
  };
  try {
    await ensureActivePolicy(deps);
  } catch (error) {
    await core.relay.stop();
    throw error;
  }
  registerHandlers(core.server, deps, infra.catalog);
  return serve(core, [new EscalationTimer(deps, settings.escalationPollMs, core.logger)]);
}

function embedderOf(settings: GovernanceSettings): Embedder {
  const { embeddings } = settings;
  return embeddings.provider === 'offline' ? new OfflineEmbedder() : new OpenAiEmbedder(embeddings);
}
