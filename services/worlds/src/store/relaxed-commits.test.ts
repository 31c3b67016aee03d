// Which of the worlds service's statements commit without waiting for the
// disk (RELAXED_COMMIT, docs/architecture.md "Commits that need not wait for
// the disk"): the claim and the records of calls, and nothing that commits a
// turn, queues one, or writes an event.
import knexFactory from 'knex';
import { defaultCatalog } from '@crucible/contracts';
import { RELAXED_COMMIT, ServiceDb } from '@crucible/database';
import { Outbox } from '@crucible/messaging';
import { insertCallsSql, LlmCallStore } from './llm-call-store';
import { TurnStore } from './turn-store';

/** The SQL of every statement the stores prepare, by name (no connection is made). */
function preparedStatements(): Map<string, string> {
  const knex = knexFactory({ client: 'pg' });
  const db = new ServiceDb(knex, 'worlds');
  const statements = new Map<string, string>();
  const prepare = db.statement.bind(db);
  db.statement = (name, sql) => {
    statements.set(name, sql);
    return prepare(name, sql);
  };
  const outbox = new Outbox({
    db,
    catalog: defaultCatalog(),
    prefix: 'test',
    service: 'worlds',
    onCommitted: () => undefined,
  });
  new TurnStore(db, outbox);
  new LlmCallStore(db);
  return statements;
}

describe('commits that do not wait for the disk', () => {
  const statements = preparedStatements();
  const relaxed = [...statements]
    .filter(([, sql]) => sql.includes('synchronous_commit'))
    .map(([name]) => name)
    .sort();

  it('are the claim and the records of calls, and only those', () => {
    expect(relaxed).toEqual(['claim_attempt', 'llm_calls_record']);
    for (const name of relaxed) expect(statements.get(name)).toContain(RELAXED_COMMIT);
  });

  it('include no statement that commits or queues a turn', () => {
    for (const name of ['commit_turn', 'commit_held_turn', 'queue_turns', 'lock_for_commit']) {
      expect(statements.get(name)).toBeDefined();
      expect(relaxed).not.toContain(name);
    }
  });

  it("join the records' insert only when asked", () => {
    expect(insertCallsSql('t', 1, '$1', '$2')).not.toContain('synchronous_commit');
    expect(insertCallsSql('t', 1, '$1', '$2', { relaxed: true })).toContain(RELAXED_COMMIT);
  });
});
