import type { GateEvidence, NameChange } from '@crucible/contracts';
import type { RpcContext } from '@crucible/messaging';
import { gateEvidence, gateNotPassed } from '../domain/gate-evidence';
import { nameProtected, scenarioNotFound } from '../domain/name-errors';
import { targetHashes } from '../domain/name-intents';
import { decideMoves, type AcceptedMove, type NameIntent } from '../domain/name-move';
import type { NamesDeps } from '../handlers/deps';
import { nameMovedEvent } from './name-events';

/**
 * The write path of set, unset and update: every intent moves its name, or
 * none does. In order:
 *
 * 1. Target hashes must be stored scenarios: asked of the scenarios service
 *    before any transaction opens (no transaction may wait on the bus; on
 *    the embedded default all services share one connection). Scenarios are
 *    never deleted, so the answer still holds at commit.
 * 2. One transaction: lock the names, read where they point, decide every
 *    compare-and-swap (all must hold), then write history rows, the names
 *    and one `name_moved` outbox row per moved name, all at one time, each
 *    naming the caller (`ctx.principal`, docs/security.md) as its actor. The
 *    store's transaction wakes the outbox relay once it has committed.
 *
 * Protected names (docs/services/names.md, "Protected names"): before the
 * transaction, governance is asked about every name when a directive is
 * given (it must be approved and name each one), and a protected name without
 * a directive is refused; under the locks, a name protected meanwhile is
 * refused too. The directive lands in every history row and event.
 *
 * Gated names (checkGates): asked of the evaluation service before the
 * transaction too; under the locks, the move must still be the one checked.
 * The passed gate run lands in the move's history row and event.
 */
export async function moveNames(
  deps: NamesDeps,
  intents: readonly NameIntent[],
  note: string | null,
  ctx: RpcContext,
  directiveId?: string,
): Promise<NameChange[]> {
  const targets = targetHashes(intents);
  if (targets.size > 0) {
    const missing = await deps.scenarios.missing([...targets.keys()], ctx);
    for (const [hash, path] of targets) if (missing.has(hash)) throw scenarioNotFound(hash, path);
  }

  const names = intents.map((intent) => intent.name);
  await checkProtection(deps, names, directiveId, ctx, await deps.store.protectedAmong(names));
  const gates = await checkGates(deps, intents, ctx);
  return deps.store.transaction(async (trx) => {
    await deps.store.lockNames(names, trx);
    // protect_name takes the same locks: what is protected now stays so until commit.
    if (directiveId === undefined) {
      const [name] = await deps.store.protectedAmong(names, trx);
      if (name !== undefined) throw nameProtected(name);
    }
    const accepted = decideMoves(intents, await deps.store.currentHashes(names, trx));
    const moves = accepted.filter(isMove);
    // mark_name_gated takes the same locks: a move of a name gated now was checked for this very move.
    const gatedNow = await deps.store.gatedAmong(names, trx);
    for (const m of moves) if (m.to !== null && gatedNow.has(m.name)) recheckGate(gates, m, m.to);
    const at = await deps.store.moveTime(trx);
    const ids = await deps.store.insertHistory(
      moves.map((m) => ({
        name: m.name,
        old_hash: m.from,
        new_hash: m.to,
        note,
        actor: ctx.principal ?? null,
        directive_id: directiveId ?? null,
        gate: gates.get(m.name)?.evidence ?? null,
        changed_at: at,
      })),
      trx,
    );
    await deps.store.upsertNames(
      moves.flatMap((m) => (m.to === null ? [] : [{ name: m.name, hash: m.to, updated_at: at }])),
      trx,
    );
    await deps.store.deleteNames(
      moves.filter((m) => m.to === null).map((m) => m.name),
      trx,
    );
    await deps.store.enqueue(
      moves.map((m) =>
        nameMovedEvent(deps, ctx, {
          name: m.name,
          old_hash: m.from,
          new_hash: m.to,
          history_id: historyId(ids, m.name),
          changed_at: at.toISOString(),
          note,
          actor: ctx.principal ?? null,
          ...(directiveId === undefined ? {} : { directive_id: directiveId }),
          ...gateOf(gates, m.name),
        }),
      ),
      trx,
    );
    return accepted.map((move) =>
      move.kind === 'move'
        ? {
            name: move.name,
            hash: move.to,
            previous_hash: move.from,
            changed: true,
            history_id: historyId(ids, move.name),
            changed_at: at.toISOString(),
          }
        : unchanged(move.name, move.current),
    );
  });
}

/**
 * A directive, when given, is checked for every name (it vouches for the
 * whole move); without one, no name may be protected.
 */
async function checkProtection(
  deps: NamesDeps,
  names: readonly string[],
  directiveId: string | undefined,
  ctx: RpcContext,
  protectedNames: ReadonlySet<string>,
): Promise<void> {
  if (directiveId === undefined) {
    const [name] = protectedNames;
    if (name !== undefined) throw nameProtected(name);
    return;
  }
  for (const name of new Set(names)) {
    await deps.governance.authorizeMove(directiveId, name, ctx);
  }
}

/** A gated name's move as it was checked before the transaction, and its evidence (null: not gated there). */
interface CheckedGate {
  readonly from: string | null;
  readonly to: string;
  readonly evidence: GateEvidence | null;
}

/**
 * Gated names (docs/services/names.md, "Gated names"): before the
 * transaction, the evaluation service is asked about each move of a gated
 * name to another scenario (check_name_gate), from where the name points
 * now; a move without a passed gate run of it is refused. Removals are not
 * gated; ungated names never ask (names work without an evaluation service).
 */
async function checkGates(
  deps: NamesDeps,
  intents: readonly NameIntent[],
  ctx: RpcContext,
): Promise<Map<string, CheckedGate>> {
  const checked = new Map<string, CheckedGate>();
  const moving = intents.filter((intent) => intent.target !== null);
  if (moving.length === 0) return checked;
  const gated = await deps.store.gatedAmong(moving.map((intent) => intent.name));
  if (gated.size === 0) return checked;
  const current = await deps.store.currentHashes([...gated]);
  for (const intent of moving) {
    const to = intent.target;
    if (to === null || !gated.has(intent.name)) continue;
    const from = current.get(intent.name) ?? null;
    // Nothing to ask for a move to where the name is, or one whose
    // compare-and-swap fails (the transaction answers cas_failed).
    if (from === to || (intent.expected !== undefined && intent.expected !== from)) continue;
    const move = { name: intent.name, from, to, path: intent.path };
    const reply = await deps.evaluation.check(
      { ...move, ...(intent.gateRunId !== undefined && { gateRunId: intent.gateRunId }) },
      ctx,
    );
    checked.set(intent.name, { from, to, evidence: gateEvidence(move, reply) });
  }
  return checked;
}

/** Under the locks: a gated name's move must be the one checked (it may have moved, or been gated, since). */
function recheckGate(gates: ReadonlyMap<string, CheckedGate>, m: Move, to: string): void {
  const checked = gates.get(m.name);
  if (checked !== undefined && checked.from === m.from && checked.to === to) return;
  throw gateNotPassed(
    { name: m.name, from: m.from, to, path: m.path },
    {
      gate_version: null,
      gate_run_id: null,
      decision: null,
      reasons: ['the name was gated or moved while the move was checked: try again'],
    },
  );
}

function gateOf(gates: ReadonlyMap<string, CheckedGate>, name: string): { gate?: GateEvidence } {
  const evidence = gates.get(name)?.evidence;
  return evidence === undefined || evidence === null ? {} : { gate: evidence };
}

type Move = Extract<AcceptedMove, { kind: 'move' }>;

function isMove(move: AcceptedMove): move is Move {
  return move.kind === 'move';
}

// A move to where the name already is: no history row, no event.
function unchanged(name: string, current: string | null): NameChange {
  return {
    name,
    hash: current,
    previous_hash: current,
    changed: false,
    history_id: null,
    changed_at: null,
  };
}

function historyId(ids: ReadonlyMap<string, string>, name: string): number {
  const id = ids.get(name);
  if (id === undefined) throw new Error(`no history row written for ${name}`);
  return Number(id);
}
