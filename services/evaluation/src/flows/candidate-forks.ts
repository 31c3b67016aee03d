import { CrucibleError, isCrucibleError, type ForkScenarioRequest } from '@crucible/contracts';
import type { CallerContext } from '@crucible/messaging';
import { candidateChanges, profileHash, type RunCandidate, type RunPlan } from '../domain/run-plan';
import type { EvaluationDeps } from '../handlers/deps';

/** A scenario a candidate's jobs run on: the suite's, or the candidate's fork of it. */
export interface CandidateScenario {
  /** The scenario its worlds run on (a result key part). */
  readonly hash: string;
  /** The hash of that scenario's cognition profiles (a result key part). */
  readonly profileHash: string;
  /** The suite's scenario it stands for. */
  readonly suiteHash: string;
}

/** Errors of fork_scenario that refuse the candidate (its changes), not the moment. */
const REFUSALS = new Set(['invalid_argument', 'not_found', 'conflict', 'payload_too_large']);

/**
 * The scenarios each candidate runs on, by candidate name: the suite's for a
 * mind candidate; for a profile or fork candidate, fork_scenario of each
 * suite scenario with the candidate's changes (content-addressed, so the same
 * fork is the same hash, stored once). Each hash once per candidate, in suite
 * order. A fork the scenarios service refuses refuses the run with its code
 * and reason, at the JSON path of the candidate's part that it refused inside
 * the experiment (`/pipeline/i/options/candidates/j/...`).
 */
export async function candidateScenarios(
  deps: Pick<EvaluationDeps, 'scenarios'>,
  plan: RunPlan,
  suite: ReadonlyArray<{ readonly hash: string; readonly profileHash: string }>,
  caller: CallerContext,
): Promise<Map<string, CandidateScenario[]>> {
  const byCandidate = new Map<string, CandidateScenario[]>();
  for (const [index, candidate] of plan.candidates.entries()) {
    const changes = candidateChanges(candidate);
    const scenarios = new Map<string, CandidateScenario>();
    for (const scenario of suite) {
      if (changes === undefined) {
        scenarios.set(scenario.hash, { ...scenario, suiteHash: scenario.hash });
        continue;
      }
      const request = {
        primary_parent: { hash: scenario.hash },
        changes,
      } as unknown as ForkScenarioRequest;
      try {
        const fork = await deps.scenarios.fork(request, caller);
        if (!scenarios.has(fork.scenario_hash)) {
          scenarios.set(fork.scenario_hash, {
            hash: fork.scenario_hash,
            profileHash: profileHash(fork.cognition_profile_hashes),
            suiteHash: scenario.hash,
          });
        }
      } catch (error) {
        if (isCrucibleError(error) && REFUSALS.has(error.code)) {
          throw forkRefused(
            error,
            candidate,
            `${plan.optionsPath}/candidates/${index}`,
            scenario.hash,
          );
        }
        throw error;
      }
    }
    byCandidate.set(candidate.name, [...scenarios.values()]);
  }
  return byCandidate;
}

/** The scenarios service's refusal of a candidate's fork, pointed into the experiment. */
function forkRefused(
  error: CrucibleError,
  candidate: RunCandidate,
  at: string,
  suiteHash: string,
): CrucibleError {
  const forkPath = typeof error.details['path'] === 'string' ? error.details['path'] : '';
  const path = experimentPath(forkPath, candidate, at);
  return new CrucibleError(
    error.code,
    `${path}: the scenarios service refuses candidate "${candidate.name}"'s fork of scenario ${suiteHash}: ${error.message}`,
    {
      ...error.details,
      path,
      fork_path: forkPath,
      candidate: candidate.name,
      suite_scenario_hash: suiteHash,
    },
    { cause: error },
  );
}

/**
 * Where a fork_scenario error path lies in the candidate: its profiles are
 * sent as `/changes/cognition_profile_upserts/<label>`, its changes as
 * `/changes`; anything else (the parent) is the candidate itself.
 */
function experimentPath(forkPath: string, candidate: RunCandidate, at: string): string {
  const upserts = '/changes/cognition_profile_upserts/';
  if (forkPath.startsWith(upserts) && Object.keys(candidate.profiles).length > 0) {
    return `${at}/profiles/${forkPath.slice(upserts.length)}`;
  }
  if (forkPath === '/changes' || forkPath.startsWith('/changes/')) {
    return candidate.changes === undefined ? `${at}/profiles` : `${at}${forkPath}`;
  }
  return at;
}
