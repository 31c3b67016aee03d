import {
  conflict,
  type CheckNameGateReply,
  type CrucibleError,
  type GateEvidence,
} from '@crucible/contracts';

/** A gated name's move, and where it is in its request (the intent's path). */
export interface CheckedMove {
  readonly name: string;
  readonly from: string | null;
  readonly to: string;
  readonly path: string;
}

/**
 * Judges the evaluation service's answer for one move (docs/services/names.md,
 * "Gated names"): not gated there, the move is free (null); gated, the gate
 * run must be of this very move (name, from, to), under the gate's current
 * version, and passed. Anything else is `conflict`/`gate_not_passed`, with
 * what was found. Pure: the answer is checked here, not taken on trust.
 */
export function gateEvidence(move: CheckedMove, reply: CheckNameGateReply): GateEvidence | null {
  if (!reply.gated) return null;
  const run = reply.gate_run;
  const version = reply.gate_version ?? 0;
  if (run === null) {
    return refuse(move, version, null, [
      `no gate run of this move under gate version ${version}: start one (start_gate_run)`,
    ]);
  }
  if (run.name !== move.name || run.from_hash !== move.from || run.to_hash !== move.to) {
    return refuse(move, version, run, [
      `gate run ${run.run_id} is for moving ${run.name} from ${run.from_hash ?? 'unset'} to ${run.to_hash}`,
    ]);
  }
  if (run.gate_version !== version) {
    return refuse(move, version, run, [
      `gate run ${run.run_id} ran under gate version ${run.gate_version}; the gate is at version ${version}`,
    ]);
  }
  if (run.decision !== 'pass') {
    const reasons =
      run.decision === 'pending'
        ? [`gate run ${run.run_id} is not decided yet (its run is ${run.run_status})`]
        : run.reasons;
    return refuse(move, version, run, reasons);
  }
  return {
    run_id: run.run_id,
    gate_version: run.gate_version,
    decision: 'pass',
    scores: run.scores.map((s) => ({
      score: s.score,
      current_mean: s.current?.mean ?? null,
      candidate_mean: s.candidate?.mean ?? null,
    })),
  };
}

/** `conflict`/`gate_not_passed`: a gated name moves only on a passed gate run of that move. */
export function gateNotPassed(
  move: CheckedMove,
  found: {
    gate_version: number | null;
    gate_run_id: number | null;
    decision: string | null;
    reasons: readonly string[];
  },
): CrucibleError {
  return conflict(
    `${move.name} is gated: moving it to ${move.to} needs a passed gate run of that move (${found.reasons.join('; ')})`,
    {
      reason: 'gate_not_passed',
      path: `${move.path}/hash`,
      name: move.name,
      from_hash: move.from,
      to_hash: move.to,
      ...found,
      reasons: [...found.reasons],
    },
  );
}

function refuse(
  move: CheckedMove,
  version: number,
  run: CheckNameGateReply['gate_run'],
  reasons: readonly string[],
): never {
  throw gateNotPassed(move, {
    gate_version: version,
    gate_run_id: run?.run_id ?? null,
    decision: run?.decision ?? null,
    reasons,
  });
}
