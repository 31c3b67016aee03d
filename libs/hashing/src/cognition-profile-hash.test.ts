import {
  cognitionProfileCanonicalJson,
  cognitionProfileHash,
  type CognitionProfileHashInput,
} from './cognition-profile-hash';
import { InvalidHashInputError } from './errors';
import { sha256Hex } from './sha256';

const h = (seed: string): string => sha256Hex(seed);

const profile: CognitionProfileHashInput = {
  perceive_system_hash: h('perceive'),
  intend_system_hash: h('intend'),
  adjudicate_system_hash: h('adjudicate'),
  adjudication_schema_hash: h('schema'),
  adjudication_retry_budget: 2,
};

function invalidField(input: unknown): InvalidHashInputError {
  try {
    cognitionProfileHash(input as CognitionProfileHashInput);
  } catch (error) {
    if (error instanceof InvalidHashInputError) return error;
    throw error;
  }
  throw new Error('expected InvalidHashInputError');
}

describe('cognitionProfileHash', () => {
  it('hashes exactly the five-member canonical object', () => {
    expect(cognitionProfileCanonicalJson(profile)).toBe(
      `{"adjudicate_system_hash":"${h('adjudicate')}","adjudication_retry_budget":2,` +
        `"adjudication_schema_hash":"${h('schema')}","intend_system_hash":"${h('intend')}",` +
        `"perceive_system_hash":"${h('perceive')}"}`,
    );
    expect(cognitionProfileHash(profile)).toBe(sha256Hex(cognitionProfileCanonicalJson(profile)));
  });

  it('is deterministic and ignores input key order and extra members', () => {
    const reordered = {
      adjudication_retry_budget: 2,
      adjudication_schema_hash: h('schema'),
      adjudicate_system_hash: h('adjudicate'),
      intend_system_hash: h('intend'),
      perceive_system_hash: h('perceive'),
      label: 'subject',
    };
    expect(cognitionProfileHash(reordered)).toBe(cognitionProfileHash(profile));
  });

  it.each<[keyof CognitionProfileHashInput, string | number]>([
    ['perceive_system_hash', h('perceive!')],
    ['intend_system_hash', h('intend!')],
    ['adjudicate_system_hash', h('adjudicate!')],
    ['adjudication_schema_hash', h('schema!')],
    ['adjudication_retry_budget', 3],
  ])('changes when only %s changes', (field, value) => {
    const changed = { ...profile, [field]: value };
    expect(cognitionProfileHash(changed)).not.toBe(cognitionProfileHash(profile));
  });

  it('does not confuse two component hashes swapped between fields', () => {
    const swapped = {
      ...profile,
      perceive_system_hash: profile.intend_system_hash,
      intend_system_hash: profile.perceive_system_hash,
    };
    expect(cognitionProfileHash(swapped)).not.toBe(cognitionProfileHash(profile));
  });

  it.each([
    ['perceive_system_hash', 'A'.repeat(64)],
    ['intend_system_hash', 'abc'],
    ['adjudicate_system_hash', undefined],
    ['adjudication_schema_hash', 7],
  ])('refuses a malformed %s, naming it', (field, value) => {
    const error = invalidField({ ...profile, [field]: value });
    expect({ name: error.name, code: error.code, field: error.field, path: error.path }).toEqual({
      name: 'InvalidHashInputError',
      code: 'INVALID_HASH_INPUT',
      field,
      path: `/${field}`,
    });
    expect(error.message).toContain(field);
  });

  it.each([-1, 11, 2.5, Number.NaN, '2', undefined])(
    'refuses adjudication_retry_budget %p',
    (budget) => {
      expect(invalidField({ ...profile, adjudication_retry_budget: budget }).field).toBe(
        'adjudication_retry_budget',
      );
    },
  );

  it('explains the budget rule in the message', () => {
    expect(invalidField({ ...profile, adjudication_retry_budget: 11 }).message).toBe(
      '/adjudication_retry_budget: must be an integer from 0 to 10, got 11',
    );
  });

  it('accepts the budget bounds 0 and 10', () => {
    expect(cognitionProfileHash({ ...profile, adjudication_retry_budget: 0 })).toMatch(
      /^[0-9a-f]{64}$/,
    );
    expect(cognitionProfileHash({ ...profile, adjudication_retry_budget: 10 })).toMatch(
      /^[0-9a-f]{64}$/,
    );
  });

  it('refuses a non-object input', () => {
    expect(invalidField(null).path).toBe('');
  });
});
