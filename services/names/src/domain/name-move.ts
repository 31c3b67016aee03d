import { assertNever } from '@crucible/contracts';
import { casFailed, nameNotFound, type CasFailure } from './name-errors';

/**
 * One requested move: point `name` at `target` (null removes it), provided
 * the compare-and-swap expectation holds. `path` is the JSON Pointer of the
 * update in its request ('' for set/unset, `/updates/<i>` in a batch).
 */
export interface NameIntent {
  readonly name: string;
  readonly target: string | null;
  /** Omitted: unconditional; null: the name must not be set now; a hash: it must point there now. */
  readonly expected?: string | null;
  readonly path: string;
  /** A gated name's move: the gate run to move on (default: the one the evaluation service finds). */
  readonly gateRunId?: number;
}

/** What one intent does, given where its name points now (null: not set). */
export type MoveDecision =
  | { readonly kind: 'move'; readonly from: string | null; readonly to: string | null }
  | { readonly kind: 'unchanged'; readonly current: string | null }
  | {
      readonly kind: 'cas_failed';
      readonly expected: string | null;
      readonly current: string | null;
    }
  | { readonly kind: 'not_set' };

/**
 * The compare-and-swap rule. The expectation is checked first; then a move
 * to where the name already is changes nothing (so retries are harmless),
 * and removing a name that is not set fails unless the caller expected it
 * to be unset.
 */
export function decideMove(intent: NameIntent, current: string | null): MoveDecision {
  if (intent.expected !== undefined && intent.expected !== current) {
    return { kind: 'cas_failed', expected: intent.expected, current };
  }
  if (intent.target === current) {
    if (current === null && intent.expected === undefined) return { kind: 'not_set' };
    return { kind: 'unchanged', current };
  }
  return { kind: 'move', from: current, to: intent.target };
}

/** An intent whose decision went through: it moves its name or leaves it as it is. */
export type AcceptedMove = NameIntent &
  (
    | { readonly kind: 'move'; readonly from: string | null; readonly to: string | null }
    | { readonly kind: 'unchanged'; readonly current: string | null }
  );

/**
 * Decides every intent of one transaction against the current hashes (names
 * absent from `current` are not set). All or nothing: any removal of a name
 * that is not set is `not_found`, else any failed expectation is one
 * `conflict` listing every failure; otherwise the accepted moves, in request
 * order. Pure: the caller runs it inside the transaction holding the names' locks.
 */
export function decideMoves(
  intents: readonly NameIntent[],
  current: ReadonlyMap<string, string>,
): AcceptedMove[] {
  const accepted: AcceptedMove[] = [];
  const failures: CasFailure[] = [];
  for (const intent of intents) {
    const decision = decideMove(intent, current.get(intent.name) ?? null);
    switch (decision.kind) {
      case 'not_set':
        throw nameNotFound(intent.name, `${intent.path}/name`);
      case 'cas_failed':
        failures.push({
          name: intent.name,
          path: `${intent.path}/expected_current_hash`,
          expected: decision.expected,
          current: decision.current,
        });
        break;
      case 'move':
      case 'unchanged':
        accepted.push({ ...intent, ...decision });
        break;
      default:
        assertNever(decision);
    }
  }
  if (failures.length > 0) throw casFailed(failures);
  return accepted;
}
