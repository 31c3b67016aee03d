import { cognitionProfileHash, jsonComponentHash, textComponentHash } from '@crucible/hashing';
import { crashInvariantViolations, runCrash, type CrashWorkload } from '../support';

const RETRY_BUDGET = 2;

/** The four parts of profile write `seq`, each unique to the run and the write. */
function profileParts(run: string, seq: number) {
  return {
    perceive_system: `Crash keeper ${run} #${seq} perceives the room.`,
    intend_system: `Crash keeper ${run} #${seq} states one action.`,
    adjudicate_system: `Crash director ${run} #${seq} decides what happens.`,
    adjudication_schema: { type: 'object', description: `Crash turn ${run} #${seq}` },
  };
}

function profileHashes(run: string, seq: number) {
  const parts = profileParts(run, seq);
  return {
    perceive_system_hash: textComponentHash(parts.perceive_system),
    intend_system_hash: textComponentHash(parts.intend_system),
    adjudicate_system_hash: textComponentHash(parts.adjudicate_system),
    adjudication_schema_hash: jsonComponentHash(parts.adjudication_schema),
    adjudication_retry_budget: RETRY_BUDGET,
  };
}

// Cognition profiles with their four parts inline: each committed put is one
// transaction that inserts the parts, then the profile (cognition_profiles
// last, WRITE_ORDER), each with its components.component_stored event. The
// harness locks cognition_profiles before the kill, so the puts in flight
// are open transactions with their parts and their parts' events written.
// The workload's key is the profile's hash, the key of its event.
const profiles: CrashWorkload = {
  stream: 'components',
  eventType: 'components.component_stored',
  heldTable: 'cognition_profiles',
  keyOf: (run, seq) => cognitionProfileHash(profileHashes(run, seq)),
  async write(rpc, run, seq) {
    const parts = profileParts(run, seq);
    const reply = await rpc.call('put_cognition_profile', {
      perceive_system: { inline: parts.perceive_system },
      intend_system: { inline: parts.intend_system },
      adjudicate_system: { inline: parts.adjudicate_system },
      adjudication_schema: { inline: parts.adjudication_schema },
      adjudication_retry_budget: RETRY_BUDGET,
    });
    if (!reply.was_new) throw new Error(`write ${seq} was not new`);
  },
  async committed(db, keys) {
    const rows = await db.query<{ hash: string }>(
      'SELECT hash FROM components.cognition_profiles WHERE hash = ANY($1)',
      [keys],
    );
    return new Set(rows.rows.map((row) => row.hash));
  },
  async read(rpc, run, seq) {
    const expected = profileHashes(run, seq);
    const reply = await rpc.call('get_cognition_profile', {
      hash: cognitionProfileHash(expected),
    });
    for (const [field, value] of Object.entries(expected))
      if (reply[field as keyof typeof expected] !== value)
        throw new Error(`write ${seq} reads back otherwise: ${field}`);
  },
};

describe('a service killed with SIGKILL under load', () => {
  it('publishes every committed write once and no uncommitted one after its restart', async () => {
    const report = await runCrash({
      services: ['components'],
      victim: 'components',
      workload: profiles,
    });
    const committed = new Set(report.committed);
    // The crash hit what it was meant to: events not yet published, and
    // transactions of the victim open (not committed), seen in
    // pg_stat_activity before the kill and after the process was gone.
    expect(report.unpublishedAtKill).toBeGreaterThan(0);
    expect(report.acknowledged.length).toBeGreaterThan(0);
    expect(report.writingAtKill.length).toBeGreaterThan(0);
    expect(report.inFlightAtKill.length).toBeGreaterThan(0);
    // Each held transaction is a write of its own that got no reply and
    // rolled back when its client was found gone; among them are writes in
    // flight at the kill. No event of any of them was published or applied.
    const lost = report.unacknowledged.filter((key) => !committed.has(key));
    expect(lost.length).toBeGreaterThanOrEqual(report.writingAtKill.length);
    const lostInFlight = report.inFlightAtKill.filter((key) => !committed.has(key));
    expect(lostInFlight.length).toBeGreaterThan(0);
    expect(lost.filter((key) => report.eventIds.has(key) || report.applied.has(key))).toEqual([]);
    // Every committed write: one event id on the stream, applied once by a
    // consumer that was handed the whole stream twice.
    expect(crashInvariantViolations(report)).toEqual([]);
    expect([...report.eventIds.keys()].sort()).toEqual([...report.committed].sort());
    expect([...report.applied.keys()].sort()).toEqual([...report.committed].sort());
    expect([...report.applied.values()].every((times) => times === 1)).toBe(true);
    expect(report.redelivered).toBeGreaterThanOrEqual(report.committed.length);
    // The restarted relay takes over at once (session lock), not after the
    // dead relay's 10 s lease: events arrive about as soon as it is ready.
    expect(report.recoveryMs).toBeLessThan(20_000);
  }, 180_000);
});
