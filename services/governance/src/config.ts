import type { EnvReader } from '@crucible/runtime';

/**
 * The governance service's own settings, read once at start by its process
 * and by the all-in-one platform alike (the connection variables are
 * ServiceEnv's, in @crucible/runtime).
 */
export interface GovernanceSettings {
  /** GOVERNANCE_ESCALATION_POLL_MS: how often due escalation timers are looked for, in ms (default 1000). */
  readonly escalationPollMs: number;
}

export const DEFAULT_GOVERNANCE_SETTINGS: GovernanceSettings = { escalationPollMs: 1000 };

/** Reads the GovernanceSettings variables (problems are collected by the reader). */
export function readGovernanceSettings(reader: EnvReader): GovernanceSettings {
  return {
    escalationPollMs: reader.int(
      'GOVERNANCE_ESCALATION_POLL_MS',
      DEFAULT_GOVERNANCE_SETTINGS.escalationPollMs,
      {
        min: 10,
        max: 600_000,
      },
    ),
  };
}
