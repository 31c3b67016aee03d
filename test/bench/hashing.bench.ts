// Canonical JSON + SHA-256, ours against the reference: the `canonicalize`
// package (RFC 8785 by its authors) followed by node:crypto. Inputs are
// deterministic and shaped like what the scenario store hashes: a ~2 KB
// entity and a ~200 KB scenario snapshot with LLM-style prose (newlines,
// quotes, curly apostrophes, dashes), labels, numbers and a JSON Schema.
import { createHash } from 'node:crypto';

import { canonicalJson, jsonComponentHash, sha256Hex } from '@crucible/hashing';

/** One measured figure; `ratio` is value / baseline (above 1: we are faster). */
export interface BenchFigure {
  name: string;
  unit: string;
  value: number;
  baseline: number;
  ratio: number;
  detail?: Record<string, number>;
}

/** Knobs for a quicker or a steadier run; the defaults take about 15 s. */
export interface HashingBenchOptions {
  warmupMs?: number;
  rounds?: number;
  roundMs?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type HashFn = (value: Json) => string;

// mulberry32: tiny, seedable, good enough to make varied but fixed inputs.
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a an of to in on at with from under over behind beside subject machine glass ' +
  'light room wall door floor button slot coin snack water bottle cot fountain ' +
  'quietly slowly carefully notices hears sees waits presses pulls pushes reads tries ' +
  'cold warm scuffed dim humming narrow heavy small locked empty broken ' +
  'café naïve don’t it’s — … élan'
).split(' ');

function prose(random: () => number, words: number, lineEvery: number): string {
  let text = '';
  for (let i = 0; i < words; i++) {
    const word = WORDS[Math.floor(random() * WORDS.length)] ?? 'the';
    const roll = random();
    const piece = roll < 0.02 ? `"${word}"` : roll < 0.05 ? `${word},` : word;
    const separator = i === 0 ? '' : lineEvery > 0 && i % lineEvery === 0 ? '.\n' : ' ';
    text += separator + piece;
  }
  return text + '.';
}

function entityFixture(random: () => number, index: number): Json {
  const isAgent = index % 4 === 0;
  return {
    id: `entity_${index}`,
    name: prose(random, 3, 0),
    state: prose(random, 190, 40),
    environment: `room_${index % 5}`,
    kind: isAgent
      ? {
          agent: {
            goal: prose(random, 40, 0),
            memory: prose(random, 60, 12),
            cognition_profile: 'subject',
          },
        }
      : 'prop',
    attributes: {
      weight_kg: Math.round(random() * 100_000) / 1000,
      stock: Math.floor(random() * 12),
      visible: random() > 0.3,
      tags: ['fixed', 'metal', index % 2 === 0 ? 'reachable' : 'out_of_reach'],
      owner: null,
    },
  };
}

function adjudicationSchemaFixture(): Json {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    required: ['narration', 'success', 'environment_mutations'],
    additionalProperties: false,
    properties: {
      narration: { type: 'string', minLength: 1, description: 'What the acting agent perceives.' },
      success: { type: 'boolean' },
      environment_mutations: {
        type: 'array',
        items: {
          type: 'object',
          required: ['environment', 'text'],
          properties: { environment: { type: 'string' }, text: { type: 'string' } },
        },
      },
      entity_mutations: {
        type: 'array',
        maxItems: 32,
        items: {
          type: 'object',
          required: ['id'],
          properties: { id: { type: 'string' }, state: { type: 'string' } },
        },
      },
    },
  };
}

function scenarioFixture(random: () => number): Json {
  const profiles: Record<string, Json> = {};
  for (const label of ['subject', 'guard', 'observer']) {
    profiles[label] = {
      perceive_system: prose(random, 900, 25),
      intend_system: prose(random, 700, 25),
      adjudicate_system: prose(random, 1400, 25),
      adjudication_schema: adjudicationSchemaFixture(),
      adjudication_retry_budget: 2,
    };
  }
  const environments: Record<string, Json> = {};
  for (let room = 0; room < 5; room++) environments[`room_${room}`] = prose(random, 350, 30);
  return {
    scenario_slug: 'locked_vending_room',
    description: prose(random, 60, 0),
    chronon_seconds: 43_200,
    cognition_profiles: profiles,
    environments,
    entities: Array.from({ length: 90 }, (_, index) => entityFixture(random, index)),
  };
}

function measureRound(hash: HashFn, input: Json, roundMs: number, latenciesNs: number[]): number {
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(roundMs) * 1_000_000n;
  let ops = 0;
  let now = start;
  while (now < deadline) {
    hash(input);
    const after = process.hrtime.bigint();
    latenciesNs.push(Number(after - now));
    now = after;
    ops++;
  }
  return ops / (Number(now - start) / 1e9);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Contender {
  figure: string;
  hash: HashFn;
}

interface Samples {
  rates: number[];
  latenciesNs: number[];
}

/**
 * Times each contender and the reference in alternating rounds on one input;
 * one figure per contender, all against the same reference samples.
 */
function compare(
  inputName: string,
  input: Json,
  contenders: readonly Contender[],
  reference: HashFn,
  options: Required<HashingBenchOptions>,
): BenchFigure[] {
  // Every side must agree before their speeds mean anything.
  const expected = reference(input);
  for (const contender of contenders) {
    if (contender.hash(input) !== expected) {
      throw new Error(`${contender.figure}.${inputName}: disagrees with the reference`);
    }
  }

  const sides = [...contenders.map((contender) => contender.hash), reference];
  const warmupUntil = Date.now() + options.warmupMs;
  while (Date.now() < warmupUntil) for (const hash of sides) hash(input);

  const samples: Samples[] = sides.map(() => ({ rates: [], latenciesNs: [] }));
  for (let round = 0; round < options.rounds; round++) {
    // Rotate who goes first so drift (GC, neighbours, frequency) hits all.
    for (let k = 0; k < sides.length; k++) {
      const side = (round + k) % sides.length;
      const sample = samples[side]!;
      sample.rates.push(measureRound(sides[side]!, input, options.roundMs, sample.latenciesNs));
    }
  }

  const baselineSamples = samples[sides.length - 1]!;
  const baseline = median(baselineSamples.rates);
  return contenders.map((contender, index) => {
    const mine = samples[index]!;
    const value = median(mine.rates);
    return {
      name: `${contender.figure}.${inputName}`,
      unit: 'ops/s',
      value,
      baseline,
      ratio: value / baseline,
      detail: {
        input_bytes: Buffer.byteLength(canonicalJson(input), 'utf8'),
        rounds: options.rounds,
        p99_us: percentile(mine.latenciesNs, 99) / 1000,
        baseline_p99_us: percentile(baselineSamples.latenciesNs, 99) / 1000,
        median_us: percentile(mine.latenciesNs, 50) / 1000,
        baseline_median_us: percentile(baselineSamples.latenciesNs, 50) / 1000,
      },
    };
  });
}

/**
 * Measures, on a ~2 KB entity and a ~200 KB scenario, median ops/s over
 * alternating timed rounds after a warm-up, and p99 latency, of
 *  - hashing.json_component_hash: jsonComponentHash (canonical JSON written
 *    as UTF-8 bytes, then SHA-256), the path the store uses;
 *  - hashing.canonical_json_sha256_hex: sha256Hex(canonicalJson(value)), via
 *    the string;
 * each against canonicalize + createHash('sha256') (ratio = ours / baseline).
 */
export async function benchHashing(options: HashingBenchOptions = {}): Promise<BenchFigure[]> {
  const settings: Required<HashingBenchOptions> = {
    warmupMs: options.warmupMs ?? 500,
    rounds: options.rounds ?? 10,
    roundMs: options.roundMs ?? 200,
  };
  // canonicalize is ESM-only; TypeScript keeps this a real import() in our
  // CommonJS output, which Node resolves natively.
  const { default: canonicalize } = await import('canonicalize');
  const reference: HashFn = (value) =>
    createHash('sha256')
      .update(canonicalize(value) ?? '')
      .digest('hex');
  const contenders: Contender[] = [
    { figure: 'hashing.json_component_hash', hash: jsonComponentHash },
    {
      figure: 'hashing.canonical_json_sha256_hex',
      hash: (value) => sha256Hex(canonicalJson(value)),
    },
  ];

  const random = seededRandom(8785);
  const entity = entityFixture(random, 0);
  const scenario = scenarioFixture(random);
  return [
    ...compare('entity_2kb', entity, contenders, reference, settings),
    ...compare('scenario_200kb', scenario, contenders, reference, settings),
  ];
}
