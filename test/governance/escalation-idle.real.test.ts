import pg from 'pg';
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
  const texts: string[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function counted(this: unknown, ...args: unknown[]): unknown {
    const config = args[0] as { text?: string } | string;
    texts.push(typeof config === 'string' ? config : (config.text ?? ''));
    return original.apply(this, args);
  };
  try {
    // Rounds every 100 ms (the stack's escalationPollMs): about fifteen.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  } finally {
    proto.query = original;
  }
  const looks = texts.filter(
    (text) => text.includes('"governance"."pending_reviews"') && text.includes('exists'),
  );
  expect(looks.length).toBeGreaterThanOrEqual(5);
  expect(texts.filter((text) => /^\s*BEGIN/i.test(text))).toEqual([]);
  expect(texts.filter((text) => /pending_reviews|directive_deadlines/.test(text))).toHaveLength(
    looks.length,
  );
});
