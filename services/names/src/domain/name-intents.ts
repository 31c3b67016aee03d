import type {
  NameUpdate,
  SetScenarioNameRequest,
  UnsetScenarioNameRequest,
} from '@crucible/contracts';
import { duplicateName } from './name-errors';
import type { NameIntent } from './name-move';

/** set_scenario_name as an intent (paths relative to the request root). */
export function setIntent(request: SetScenarioNameRequest): NameIntent {
  return withExpectation(
    {
      name: request.name,
      target: request.hash,
      path: '',
      ...(request.gate_run_id !== undefined && { gateRunId: request.gate_run_id }),
    },
    request.expected_current_hash,
  );
}

/** unset_scenario_name as an intent: a move to nowhere. */
export function unsetIntent(request: UnsetScenarioNameRequest): NameIntent {
  return withExpectation(
    { name: request.name, target: null, path: '' },
    request.expected_current_hash,
  );
}

/**
 * The updates of update_scenario_names as intents, in request order. A name
 * may appear once: two moves of one name in one transaction have no order
 * that both compare-and-swaps could agree on (git update-ref refuses it too).
 */
export function batchIntents(updates: readonly NameUpdate[]): NameIntent[] {
  const firstPath = new Map<string, string>();
  return updates.map((update, i) => {
    const path = `/updates/${i}`;
    const earlier = firstPath.get(update.name);
    if (earlier !== undefined) throw duplicateName(update.name, `${path}/name`, `${earlier}/name`);
    firstPath.set(update.name, path);
    return withExpectation(
      {
        name: update.name,
        target: update.hash,
        path,
        ...(update.gate_run_id !== undefined && { gateRunId: update.gate_run_id }),
      },
      update.expected_current_hash,
    );
  });
}

/**
 * The distinct hashes the intents point names at, each with the path of its
 * first use (where a missing scenario is reported). Removals point nowhere.
 */
export function targetHashes(intents: readonly NameIntent[]): Map<string, string> {
  const targets = new Map<string, string>();
  for (const intent of intents) {
    if (intent.target !== null && !targets.has(intent.target))
      targets.set(intent.target, `${intent.path}/hash`);
  }
  return targets;
}

// An absent expectation stays absent (unconditional); null is kept (must not be set).
function withExpectation(intent: NameIntent, expected: string | null | undefined): NameIntent {
  return expected === undefined ? intent : { ...intent, expected };
}
