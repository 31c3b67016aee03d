import { idleFor, statementsDuring } from '../support';
import { startGovernanceStack, type GovernanceStack } from './stack';

// The escalation timer's rounds (docs/services/governance.md, "Escalation")
// on real Postgres: a round that finds nothing due sends one statement and
// opens no transaction. That due work is still escalated and expired is
// shown by governance.real.test.ts and timebox-runs.real.test.ts.

let s: GovernanceStack;

beforeAll(async () => {
  s = await startGovernanceStack();
}, 60_000);

afterAll(async () => {
  await s?.stop();
});

it('looks for due work in one statement and opens no transaction while nothing is due', async () => {
  // Rounds every 100 ms (the stack's escalationPollMs): about fifteen.
  const { statements } = await statementsDuring(() => idleFor(1_500));
  const looks = statements.filter(
    (sql) => sql.includes('"governance"."pending_reviews"') && sql.includes('exists'),
  );
  expect(looks.length).toBeGreaterThanOrEqual(5);
  expect(statements.filter((sql) => /^\s*BEGIN/i.test(sql))).toEqual([]);
  expect(statements.filter((sql) => /pending_reviews|directive_deadlines/.test(sql))).toHaveLength(
    looks.length,
  );
});
