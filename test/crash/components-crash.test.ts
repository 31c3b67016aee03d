import { textComponentHash } from '@crucible/hashing';
import { crashInvariantViolations, runCrash, type CrashWorkload } from '../support';

// Environments with content unique to the run and write: each committed put
// stores one row and publishes one components.component_stored keyed by its hash.
const environments: CrashWorkload = {
  stream: 'components',
  eventType: 'components.component_stored',
  keyOf: (run, seq) => textComponentHash(`Crash room ${run} #${seq}.`),
  async write(rpc, run, seq) {
    const reply = await rpc.call('put_environment', { content: `Crash room ${run} #${seq}.` });
    if (!reply.was_new) throw new Error(`write ${seq} was not new`);
  },
  async committed(db, keys) {
    const rows = await db.query<{ hash: string }>(
      'SELECT hash FROM components.environments WHERE hash = ANY($1)',
      [keys],
    );
    return new Set(rows.rows.map((row) => row.hash));
  },
  async read(rpc, run, seq) {
    const content = `Crash room ${run} #${seq}.`;
    const reply = await rpc.call('get_environment', { hash: textComponentHash(content) });
    if (reply.content !== content) throw new Error(`write ${seq} reads back otherwise`);
  },
};

describe('a service killed with SIGKILL under load', () => {
  it('publishes every committed write once and no uncommitted one after its restart', async () => {
    const report = await runCrash({
      services: ['components'],
      victim: 'components',
      workload: environments,
    });
    // The crash hit what it was meant to: requests in flight, events not yet published.
    expect(report.inFlightAtKill).toBeGreaterThan(0);
    expect(report.unpublishedAtKill).toBeGreaterThan(0);
    expect(report.acknowledged.length).toBeGreaterThan(0);
    expect(crashInvariantViolations(report)).toEqual([]);
    expect([...report.eventIds.keys()].sort()).toEqual([...report.committed].sort());
    // The restarted relay takes over at once (session lock), not after the
    // dead relay's 10 s lease: events arrive about as soon as it is ready.
    expect(report.recoveryMs).toBeLessThan(20_000);
  }, 180_000);
});
