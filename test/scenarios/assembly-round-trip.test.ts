// An assembly resolves and stores its components in one resolve_components
// request, and the components service stores them only when the scenario
// passes the rules that need their content (docs/services/scenarios.md, "How
// a write happens"). The size limit is where both sides must agree to the
// byte: a scenario of exactly 256 KB of canonical JSON is stored, one a byte
// over writes nothing anywhere, wherever the extra byte sits.
import { canonicalJson } from '@crucible/hashing';
import { MAX_SCENARIO_BYTES } from '@crucible/scenarios';
import { initTelemetry, type Telemetry } from '@crucible/telemetry';
import { InMemorySpanExporter } from '@crucible/telemetry/testing';
import { op, startRealPlatform, type PlatformStack } from '../platform/stack';
import {
  ADJUDICATE_SYSTEM,
  ADJUDICATION_SCHEMA,
  CHRONON_SECONDS,
  ENTITIES,
  ENVIRONMENTS,
  INTEND_SYSTEM,
  PERCEIVE_SYSTEM,
  RETRY_BUDGET,
  SLUG,
} from './fixtures';

jest.setTimeout(120_000);

const texts = {
  perceive_system: PERCEIVE_SYSTEM,
  intend_system: INTEND_SYSTEM,
  adjudicate_system: ADJUDICATE_SYSTEM,
  adjudication_schema: ADJUDICATION_SCHEMA,
};

/** Where the bytes that bring a scenario to a size go. */
type Filler = 'entity' | 'environment' | 'description';

interface Sized {
  readonly request: Record<string, unknown>;
  /** The scenario's canonical JSON size, computed here from its full content. */
  readonly bytes: number;
}

/**
 * An all-inline assembly request, padded with `padding` ASCII bytes in
 * `where`, and five large rooms (a component may hold 64 KB) to come within
 * a few KB of the limit. `salt` makes every padded component new.
 */
function scenario(where: Filler, padding: number, salt: string): Sized {
  const pad = salt + 'x'.repeat(padding);
  const environments: Record<string, string> = { ...ENVIRONMENTS };
  for (const room of ['vault_a', 'vault_b', 'vault_c', 'vault_d', 'vault_e'])
    environments[room] = `${room} ${'.'.repeat(50_000)}`;
  if (where === 'environment') environments.vault_a += pad;
  const entities = ENTITIES.map((e, i) =>
    where === 'entity' && i === ENTITIES.length - 1 ? { ...e, state: e.state + pad } : e,
  );
  const description = `A night in the observatory.${where === 'description' ? pad : ''}`;
  const full = {
    scenario_slug: SLUG,
    description,
    chronon_seconds: CHRONON_SECONDS,
    cognition_profiles: { keeper: { ...texts, adjudication_retry_budget: RETRY_BUDGET } },
    environments,
    entities,
  };
  const inline = <T>(value: T) => ({ inline: value });
  return {
    bytes: Buffer.byteLength(canonicalJson(full), 'utf8'),
    request: {
      scenario_slug: SLUG,
      description,
      chronon_seconds: CHRONON_SECONDS,
      cognition_profiles: {
        keeper: {
          inline: {
            perceive_system: inline(PERCEIVE_SYSTEM),
            intend_system: inline(INTEND_SYSTEM),
            adjudicate_system: inline(ADJUDICATE_SYSTEM),
            adjudication_schema: inline(ADJUDICATION_SCHEMA),
            adjudication_retry_budget: RETRY_BUDGET,
          },
        },
      },
      environments: Object.fromEntries(
        Object.entries(environments).map(([l, t]) => [l, inline(t)]),
      ),
      entities: entities.map(inline),
    },
  };
}

/** The request of exactly `bytes` canonical bytes, the extra ones in `where`. */
function scenarioOf(bytes: number, where: Filler, salt: string): Sized {
  const base = scenario(where, 0, salt);
  // Room left under the limit for the padding, well under a component's 64 KB.
  expect(bytes - base.bytes).toBeGreaterThan(0);
  expect(bytes - base.bytes).toBeLessThan(10_000);
  const sized = scenario(where, bytes - base.bytes, salt);
  expect(sized.bytes).toBe(bytes);
  return sized;
}

const WRITE_TABLES: ReadonlyArray<[string, string]> = [
  ['components', 'environments'],
  ['components', 'entities'],
  ['components', 'cognition_profiles'],
  ['components', 'outbox'],
  ['scenarios', 'scenarios'],
  ['scenarios', 'outbox'],
];

describe('assembling a scenario (real servers)', () => {
  let stack: PlatformStack;
  let telemetry: Telemetry;
  const spans = new InMemorySpanExporter();

  beforeAll(async () => {
    telemetry = initTelemetry({ serviceName: 'round-trip-test', exporter: spans, env: {} });
    stack = await startRealPlatform();
  });

  afterAll(async () => {
    try {
      await stack?.stop();
    } finally {
      await telemetry?.shutdown();
    }
  });

  const snapshot = () =>
    Promise.all(WRITE_TABLES.map(([schema, table]) => stack.count(schema, table)));

  /** Assembles `request`; the answer and how many resolve_components requests it took. */
  async function assemble(request: Record<string, unknown>) {
    spans.reset();
    const answer = await op(stack, 'assemble_scenario', request);
    await telemetry.forceFlush();
    const subject = `${stack.infra.prefix}.components.resolve_components`;
    const resolves = spans.getFinishedSpans().filter((s) => s.name === `process ${subject}`).length;
    return { ...answer, resolves };
  }

  it.each<Filler>(['entity', 'environment', 'description'])(
    'stores a scenario of exactly the limit in one request (extra bytes in the %s)',
    async (where) => {
      const { request, bytes } = scenarioOf(MAX_SCENARIO_BYTES, where, `at-limit-${where}`);
      expect(bytes).toBe(MAX_SCENARIO_BYTES);
      const { status, body, resolves } = await assemble(request);
      expect({ status, reason: body.error?.details?.reason }).toEqual({
        status: 200,
        reason: undefined,
      });
      expect(resolves).toBe(1);
      expect(body.was_new_scenario).toBe(true);
      // Its components are stored: the scenario reads back in full.
      const read = await op(stack, 'get_scenario', { hash: body.scenario_hash });
      // (Parsed again here: fetch's objects come from another realm.)
      const scenario: unknown = JSON.parse(JSON.stringify(read.body.scenario));
      expect(Buffer.byteLength(canonicalJson(scenario), 'utf8')).toBe(MAX_SCENARIO_BYTES);
    },
  );

  it.each<Filler>(['entity', 'environment', 'description'])(
    'writes nothing anywhere for a scenario a byte over the limit (in the %s)',
    async (where) => {
      const { request } = scenarioOf(MAX_SCENARIO_BYTES + 1, where, `over-limit-${where}`);
      const before = await snapshot();
      const { status, body, resolves } = await assemble(request);
      expect({ status, reason: body.error?.details?.reason }).toEqual({
        status: 400,
        reason: 'scenario_too_large',
      });
      expect(body.error.details.actual_bytes).toBe(MAX_SCENARIO_BYTES + 1);
      expect(resolves).toBe(1);
      expect(await snapshot()).toEqual(before);
    },
  );

  it('resolves a fork with an inline change in one request too', async () => {
    const parent = scenarioOf(MAX_SCENARIO_BYTES - 1000, 'entity', 'fork-parent');
    const assembled = await assemble(parent.request);
    expect(assembled.status).toBe(200);
    spans.reset();
    const { status } = await op(stack, 'fork_scenario', {
      primary_parent: { hash: assembled.body.scenario_hash },
      changes: { environment_upserts: { attic: { inline: 'A low attic under the dome.' } } },
    });
    await telemetry.forceFlush();
    expect(status).toBe(200);
    const subject = `${stack.infra.prefix}.components.resolve_components`;
    expect(spans.getFinishedSpans().filter((s) => s.name === `process ${subject}`)).toHaveLength(1);
  });
});
