import { InvalidHashInputError } from './errors';
import {
  scenarioManifestCanonicalJson,
  scenarioManifestHash,
  type ScenarioManifestHashInput,
} from './scenario-manifest-hash';
import { sha256Hex } from './sha256';

const h = (seed: string): string => sha256Hex(seed);

const manifest: ScenarioManifestHashInput = {
  scenario_slug: 'locked_vending_room',
  description: 'A subject wakes in a locked room with a vending machine.',
  chronon_seconds: 43_200,
  cognition_profiles: { subject: h('profile-subject'), guard: h('profile-guard') },
  environments: { vending_room: h('env-room'), hallway: h('env-hall') },
  entity_hashes: [h('e0'), h('e1'), h('e2')],
};

function invalid(input: unknown): InvalidHashInputError {
  try {
    scenarioManifestHash(input as ScenarioManifestHashInput);
  } catch (error) {
    if (error instanceof InvalidHashInputError) return error;
    throw error;
  }
  throw new Error('expected InvalidHashInputError');
}

describe('scenarioManifestHash', () => {
  it('hashes exactly the six-member canonical object, labels sorted', () => {
    expect(scenarioManifestCanonicalJson(manifest)).toBe(
      '{"chronon_seconds":43200,' +
        `"cognition_profiles":{"guard":"${h('profile-guard')}","subject":"${h('profile-subject')}"},` +
        '"description":"A subject wakes in a locked room with a vending machine.",' +
        `"entity_hashes":["${h('e0')}","${h('e1')}","${h('e2')}"],` +
        `"environments":{"hallway":"${h('env-hall')}","vending_room":"${h('env-room')}"},` +
        '"scenario_slug":"locked_vending_room"}',
    );
    expect(scenarioManifestHash(manifest)).toBe(sha256Hex(scenarioManifestCanonicalJson(manifest)));
  });

  it('does not depend on the insertion order of label maps', () => {
    const reordered = {
      ...manifest,
      cognition_profiles: { guard: h('profile-guard'), subject: h('profile-subject') },
      environments: { hallway: h('env-hall'), vending_room: h('env-room') },
    };
    expect(scenarioManifestHash(reordered)).toBe(scenarioManifestHash(manifest));
  });

  it('changes when two profile labels swap their bindings', () => {
    const swapped = {
      ...manifest,
      cognition_profiles: { subject: h('profile-guard'), guard: h('profile-subject') },
    };
    expect(scenarioManifestHash(swapped)).not.toBe(scenarioManifestHash(manifest));
  });

  it('changes when two environment labels swap their bindings', () => {
    const swapped = {
      ...manifest,
      environments: { vending_room: h('env-hall'), hallway: h('env-room') },
    };
    expect(scenarioManifestHash(swapped)).not.toBe(scenarioManifestHash(manifest));
  });

  it('changes when entity order changes', () => {
    const reordered = { ...manifest, entity_hashes: [h('e1'), h('e0'), h('e2')] };
    expect(scenarioManifestHash(reordered)).not.toBe(scenarioManifestHash(manifest));
  });

  it.each<[keyof ScenarioManifestHashInput, unknown]>([
    ['scenario_slug', 'locked_vending_room2'],
    ['description', 'A subject wakes in a locked room with a vending machine!'],
    ['chronon_seconds', 43_201],
    ['cognition_profiles', { subject: h('profile-subject') }],
    ['environments', { vending_room: h('env-room'), hallway: h('env-hall'), attic: h('attic') }],
    ['entity_hashes', [h('e0'), h('e1')]],
  ])('changes when only %s changes', (field, value) => {
    expect(scenarioManifestHash({ ...manifest, [field]: value })).not.toBe(
      scenarioManifestHash(manifest),
    );
  });

  it('explains what was wrong in the message', () => {
    expect(invalid({ ...manifest, chronon_seconds: 1.5 }).message).toBe(
      '/chronon_seconds: must be a safe integer, got 1.5',
    );
    expect(invalid({ ...manifest, entity_hashes: [h('e0'), 'F'.repeat(64)] }).message).toBe(
      `/entity_hashes/1: must be a lowercase hex SHA-256 (64 of [0-9a-f]), got "${'F'.repeat(64)}"`,
    );
  });

  it('refuses an input that is not an object as the input itself', () => {
    for (const input of [null, [], 'manifest'])
      expect(() => scenarioManifestHash(input as never)).toThrow(
        expect.objectContaining({ field: '', path: '' }) as Error,
      );
  });

  it('keeps a label such as "__proto__" as an ordinary binding', () => {
    const bindings = JSON.parse(`{"__proto__":"${h('x')}"}`) as Record<string, string>;
    expect(scenarioManifestCanonicalJson({ ...manifest, environments: bindings })).toContain(
      `"environments":{"__proto__":"${h('x')}"}`,
    );
  });

  it.each<[string, Partial<Record<keyof ScenarioManifestHashInput, unknown>>, string, string]>([
    [
      'an uppercase entity hash',
      { entity_hashes: [h('e0'), 'F'.repeat(64)] },
      'entity_hashes',
      '/entity_hashes/1',
    ],
    [
      'entity hashes that are not an array',
      { entity_hashes: h('e0') },
      'entity_hashes',
      '/entity_hashes',
    ],
    [
      'a bad profile hash',
      { cognition_profiles: { subject: 'nope' } },
      'cognition_profiles',
      '/cognition_profiles/subject',
    ],
    [
      'a bad environment hash',
      { environments: { 'a/b': '' } },
      'environments',
      '/environments/a~1b',
    ],
    ['a label map that is a Map', { environments: new Map() }, 'environments', '/environments'],
    [
      'a label map that is an array',
      { cognition_profiles: [h('x')] },
      'cognition_profiles',
      '/cognition_profiles',
    ],
    ['a fractional chronon', { chronon_seconds: 1.5 }, 'chronon_seconds', '/chronon_seconds'],
    [
      'a chronon given as a string',
      { chronon_seconds: '60' },
      'chronon_seconds',
      '/chronon_seconds',
    ],
    [
      'an unsafe integer chronon',
      { chronon_seconds: 2 ** 60 },
      'chronon_seconds',
      '/chronon_seconds',
    ],
    ['a missing slug', { scenario_slug: undefined }, 'scenario_slug', '/scenario_slug'],
    [
      'a description with a lone surrogate',
      { description: 'x\ud800' },
      'description',
      '/description',
    ],
  ])('refuses %s, naming the field', (_label, change, field, path) => {
    const error = invalid({ ...manifest, ...change });
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    expect({ name: error.name, field: error.field, path: error.path }).toEqual({
      name: 'InvalidHashInputError',
      field,
      path,
    });
  });
});
