// Golden vectors: published hashes that must never change. The same inputs,
// canonical texts and hashes are in docs/hashing.md; this file pins them and
// checks that the document still states them. If a test here fails, the
// hashing rules changed: that breaks every stored content address.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { canonicalJson } from './canonical-json';
import { cognitionProfileCanonicalJson, cognitionProfileHash } from './cognition-profile-hash';
import { jsonComponentHash, textComponentHash } from './component-hashes';
import { scenarioManifestCanonicalJson, scenarioManifestHash } from './scenario-manifest-hash';
import { sha256Hex } from './sha256';
import { type CanonicalizeOracle, startCanonicalizeOracle } from './testing/canonicalize-oracle';

const doc = readFileSync(path.join(__dirname, '..', '..', '..', 'docs', 'hashing.md'), 'utf8');

const text = {
  perceive_system:
    'You are the senses of the acting agent.\n' +
    'Describe only what can be seen, heard or felt from where it stands.\n',
  intend_system:
    'Decide one next action for the acting agent. Say it in one sentence, first person.',
  adjudicate_system:
    'Judge whether the intended action succeeds in this room.\n' +
    'Narrate only what the acting agent would perceive.',
  environment:
    'A windowless concrete room under a constant overhead light. ' +
    'A cot, a dry water fountain, a vending machine against the far wall.',
};

const textHashes = {
  perceive_system: '2d12937030de1a2834f3a39f14e2a40d080e9e9936d816b899fc3376a51eadd3',
  intend_system: 'c03d4c529f8052dbbabb5fe89920e2fd999d27791e0529b67e4a3e141103356b',
  adjudicate_system: 'f680a321326cc99180a3fc93cc2407c0d13aec07b0b7302549acdcd4310f813b',
  environment: 'd250eeb4044c1996d253f8c278f2e9a4bf6da4c1e2ec682f2a7cc71be9be50af',
};

const CAFE_NFC_HASH = '850f7dc43910ff890f8879c0ed26fe697c93a067ad93a7d50f466a7028a9bf4e';
const CAFE_NFD_HASH = '81ef060bcd98adc7824eb5c1ada83c32491b16018e11e79f00ab9d09e04b015a';

interface JsonVector {
  input: unknown;
  canonical: string;
  hash: string;
}

const json: Record<'rules' | 'adjudication_schema' | 'subject' | 'vending_machine', JsonVector> = {
  rules: {
    input: {
      numbers: [1.5, 120.0, 1e21, -0, 0.000001, 1e-7, 333333333.3333333],
      text: 'tab\there, quote " backslash \\ nul \u0000 \u00e9',
      '\u20ac': 'euro',
      '\r': 'cr',
      '\ud83d\ude00': 'emoji',
      '\ufb33': 'dalet',
      '1': 'one',
    },
    canonical:
      '{"\\r":"cr","1":"one","numbers":[1.5,120,1e+21,0,0.000001,1e-7,333333333.3333333],' +
      '"text":"tab\\there, quote \\" backslash \\\\ nul \\u0000 \u00e9",' +
      // Non-ASCII written as escapes here so the source cannot be re-normalized.
      '"\u20ac":"euro","\ud83d\ude00":"emoji","\ufb33":"dalet"}',
    hash: 'ddbafd0a0a76809d3da805499fb0bebf82a6ad51516fa2c60f7bea106410d832',
  },
  adjudication_schema: {
    input: {
      type: 'object',
      required: ['narration', 'success'],
      additionalProperties: false,
      properties: {
        success: { type: 'boolean' },
        narration: { type: 'string', minLength: 1 },
        environment_mutations: {
          type: 'array',
          items: { type: 'object', required: ['environment', 'text'] },
        },
      },
    },
    canonical:
      '{"additionalProperties":false,"properties":{"environment_mutations":{"items":' +
      '{"required":["environment","text"],"type":"object"},"type":"array"},' +
      '"narration":{"minLength":1,"type":"string"},"success":{"type":"boolean"}},' +
      '"required":["narration","success"],"type":"object"}',
    hash: '003c335ad853ff4c5f5df9e17f673f6e05065dfb9a7a7bd855c5eb0f45160249',
  },
  subject: {
    input: {
      id: 'subject',
      name: 'The subject',
      state: 'Awake, thirsty, 2 coins in pocket.',
      environment: 'vending_room',
      kind: { agent: { goal: 'Get out of the room.', memory: '', cognition_profile: 'subject' } },
    },
    canonical:
      '{"environment":"vending_room","id":"subject","kind":{"agent":{"cognition_profile":"subject",' +
      '"goal":"Get out of the room.","memory":""}},"name":"The subject",' +
      '"state":"Awake, thirsty, 2 coins in pocket."}',
    hash: '2e5179133f1acac28eeb4fc85719aa100f9b19f3d511db395c49711ce900f13f',
  },
  vending_machine: {
    input: {
      id: 'vending_machine',
      name: 'Vending machine',
      state: 'Humming. Button "C" sticks; the display reads “EXACT CHANGE”.\nSlot E is empty.',
      environment: 'vending_room',
      kind: 'prop',
    },
    canonical:
      '{"environment":"vending_room","id":"vending_machine","kind":"prop","name":"Vending machine",' +
      '"state":"Humming. Button \\"C\\" sticks; the display reads “EXACT CHANGE”.\\nSlot E is empty."}',
    hash: '0c62a7a59436bd57c78b328a11dd53d5fe5b0a1f7929e9eb72ee19d389f47856',
  },
};

const profileInput = {
  perceive_system_hash: textHashes.perceive_system,
  intend_system_hash: textHashes.intend_system,
  adjudicate_system_hash: textHashes.adjudicate_system,
  adjudication_schema_hash: json.adjudication_schema.hash,
  adjudication_retry_budget: 2,
};
const PROFILE_CANONICAL =
  '{"adjudicate_system_hash":"f680a321326cc99180a3fc93cc2407c0d13aec07b0b7302549acdcd4310f813b",' +
  '"adjudication_retry_budget":2,' +
  '"adjudication_schema_hash":"003c335ad853ff4c5f5df9e17f673f6e05065dfb9a7a7bd855c5eb0f45160249",' +
  '"intend_system_hash":"c03d4c529f8052dbbabb5fe89920e2fd999d27791e0529b67e4a3e141103356b",' +
  '"perceive_system_hash":"2d12937030de1a2834f3a39f14e2a40d080e9e9936d816b899fc3376a51eadd3"}';
const PROFILE_HASH = '832a74aec87c3f13149255eeb381dcc0080f3cd57238c2b462b7e4f2d30d7c95';

const manifestInput = {
  scenario_slug: 'locked_vending_room',
  description: 'A subject wakes in a locked room with a vending machine.',
  chronon_seconds: 43_200,
  cognition_profiles: { subject: PROFILE_HASH },
  environments: { vending_room: textHashes.environment },
  entity_hashes: [json.subject.hash, json.vending_machine.hash],
};
const MANIFEST_CANONICAL =
  '{"chronon_seconds":43200,' +
  '"cognition_profiles":{"subject":"832a74aec87c3f13149255eeb381dcc0080f3cd57238c2b462b7e4f2d30d7c95"},' +
  '"description":"A subject wakes in a locked room with a vending machine.",' +
  '"entity_hashes":["2e5179133f1acac28eeb4fc85719aa100f9b19f3d511db395c49711ce900f13f",' +
  '"0c62a7a59436bd57c78b328a11dd53d5fe5b0a1f7929e9eb72ee19d389f47856"],' +
  '"environments":{"vending_room":"d250eeb4044c1996d253f8c278f2e9a4bf6da4c1e2ec682f2a7cc71be9be50af"},' +
  '"scenario_slug":"locked_vending_room"}';
const MANIFEST_HASH = 'af2a707f1dfd768c2e79e54f89cb042971f30691444b531db53d44bc0ac42cb8';

describe('golden vectors', () => {
  it.each(Object.entries(text))('text component %s', (kind, content) => {
    const expected = textHashes[kind as keyof typeof textHashes];
    expect(textComponentHash(content)).toBe(expected);
    expect(doc).toContain(expected);
    // The document quotes each text as a JSON string literal.
    expect(doc).toContain(JSON.stringify(content));
  });

  it('"café" in NFC and in NFD', () => {
    expect(textComponentHash('caf\u00e9')).toBe(CAFE_NFC_HASH);
    expect(textComponentHash('cafe\u0301')).toBe(CAFE_NFD_HASH);
    expect(doc).toContain(CAFE_NFC_HASH);
    expect(doc).toContain(CAFE_NFD_HASH);
  });

  it.each(Object.entries(json))('JSON %s', (_name, vector) => {
    expect(canonicalJson(vector.input)).toBe(vector.canonical);
    expect(jsonComponentHash(vector.input)).toBe(vector.hash);
    expect(sha256Hex(vector.canonical)).toBe(vector.hash);
    expect(doc).toContain(vector.canonical);
    expect(doc).toContain(vector.hash);
  });

  it('cognition profile built from the components above', () => {
    expect(cognitionProfileCanonicalJson(profileInput)).toBe(PROFILE_CANONICAL);
    expect(cognitionProfileHash(profileInput)).toBe(PROFILE_HASH);
    expect(doc).toContain(PROFILE_CANONICAL);
    expect(doc).toContain(PROFILE_HASH);
  });

  it('scenario manifest built from the profile, environment and entities above', () => {
    expect(scenarioManifestCanonicalJson(manifestInput)).toBe(MANIFEST_CANONICAL);
    expect(scenarioManifestHash(manifestInput)).toBe(MANIFEST_HASH);
    expect(doc).toContain(MANIFEST_CANONICAL);
    expect(doc).toContain(MANIFEST_HASH);
  });

  describe('agree with the reference canonicalize', () => {
    let oracle: CanonicalizeOracle;
    beforeAll(() => {
      oracle = startCanonicalizeOracle();
    });
    afterAll(async () => {
      await oracle.close();
    });

    it.each([
      ...Object.values(json).map((vector) => [vector.input, vector.canonical] as const),
      [profileInput, PROFILE_CANONICAL] as const,
      [manifestInput, MANIFEST_CANONICAL] as const,
    ])('canonical text %#', async (input, canonical) => {
      await expect(oracle.canonicalize(JSON.stringify(input))).resolves.toEqual({
        ok: true,
        text: canonical,
      });
    });
  });
});
