import { canonicalJson } from '@crucible/hashing';
import {
  METADATA_MAX_BYTES,
  checkMetadataSize,
  scenarioCanonicalBytes,
  scenarioSkeletonBytes,
} from './scenario-size';
import { agent, h, prop, profile, resolvedDraft } from './test-fixtures';

describe('scenario canonical size', () => {
  it('equals the byte length of the full scenario canonical JSON', () => {
    const texts = {
      perceive_system: 'Perceive "carefully".\n\t\u0001 caf\u00e9 \u{1F41C}',
      intend_system: 'Intend\\',
      adjudicate_system: 'Adjudicate \u2028 now',
      adjudication_schema: { type: 'object', properties: { narration: { type: 'string' } } },
    };
    const environment = 'A windowless room. \u00fc\u00f1\u00ee';
    const bytes = (v: unknown) => Buffer.byteLength(canonicalJson(v), 'utf8');
    const base = resolvedDraft([agent('subject'), prop('machine')]);
    const resolved = {
      ...base,
      profiles: new Map([
        [
          'subject',
          {
            ...profile(h('a'), 3),
            json_bytes: {
              perceive_system: bytes(texts.perceive_system),
              intend_system: bytes(texts.intend_system),
              adjudicate_system: bytes(texts.adjudicate_system),
              adjudication_schema: bytes(texts.adjudication_schema),
            },
          },
        ],
      ]),
      environments: new Map([
        ['room', { hash: h('b'), was_new: false, json_bytes: bytes(environment) }],
      ]),
    };
    const full = {
      scenario_slug: 'room',
      description: 'A room.',
      chronon_seconds: 60,
      cognition_profiles: { subject: { ...texts, adjudication_retry_budget: 3 } },
      environments: { room: environment },
      entities: resolved.entities.map((e) => e.content),
    };
    expect(scenarioCanonicalBytes(resolved)).toBe(bytes(full));
  });

  it('is the skeleton sent to the components service plus each item actual size', () => {
    const bytes = (v: unknown) => Buffer.byteLength(canonicalJson(v), 'utf8');
    const resolved = resolvedDraft([agent('subject'), prop('machine'), agent('other')]);
    // What the components service adds to it (see ScenarioStoreTerms.base_bytes):
    // each "" and each 0 replaced by the actual value.
    let added = 0;
    for (const p of resolved.profiles.values()) {
      const parts = p.json_bytes;
      added += parts.perceive_system + parts.intend_system + parts.adjudicate_system;
      added += parts.adjudication_schema - 4 * 2;
      added += bytes(p.adjudication_retry_budget) - 1;
    }
    for (const e of resolved.environments.values()) added += e.json_bytes - 2;
    for (const e of resolved.entities) added += bytes(e.content) - 2;
    expect(scenarioSkeletonBytes(resolved.draft) + added).toBe(scenarioCanonicalBytes(resolved));
  });
});

describe('checkMetadataSize', () => {
  const withBytes = (n: number) => ({ text: 'x'.repeat(n - '{"text":""}'.length) });

  it('accepts metadata up to the limit, and none at all', () => {
    expect(() => checkMetadataSize(withBytes(METADATA_MAX_BYTES), '/metadata')).not.toThrow();
    expect(() => checkMetadataSize(undefined, '/metadata')).not.toThrow();
  });

  it('refuses a byte more, at the path given, with its size', () => {
    expect(() => checkMetadataSize(withBytes(METADATA_MAX_BYTES + 1), '/metadata_extra')).toThrow(
      expect.objectContaining({
        code: 'invalid_argument',
        details: expect.objectContaining({
          path: '/metadata_extra',
          reason: 'metadata_too_large',
          bytes: METADATA_MAX_BYTES + 1,
        }),
      }),
    );
  });
});
