import { isCrucibleError } from '@crucible/contracts';
import { cognitionProfileHash, jsonComponentHash, textComponentHash } from '@crucible/hashing';
import { checkContentReply } from './content-check';

const at = '2026-01-01T00:00:00Z';

function refusal(run: () => void): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

function expectRefused(run: () => void): void {
  const error = refusal(run);
  expect(isCrucibleError(error)).toBe(true);
  expect(error).toMatchObject({
    code: 'unavailable',
    details: { reason: 'content_hash_mismatch' },
  });
}

describe('checkContentReply', () => {
  const text = 'A room.';
  const hash = textComponentHash(text);

  it('passes a text read whose content hashes to the hash asked for', () => {
    expect(() =>
      checkContentReply('get_environment', { hash }, { hash, content: text, created_at: at }),
    ).not.toThrow();
  });

  it('refuses forged content under the hash asked for', () => {
    expectRefused(() =>
      checkContentReply('get_environment', { hash }, { hash, content: 'forged', created_at: at }),
    );
  });

  it('refuses honest content of another hash', () => {
    const other = textComponentHash('Another room.');
    expectRefused(() =>
      checkContentReply(
        'get_environment',
        { hash },
        { hash: other, content: 'Another room.', created_at: at },
      ),
    );
  });

  it('checks JSON components by their canonical JSON', () => {
    const entity = { name: 'x', b: 1 };
    const entityHash = jsonComponentHash(entity);
    expect(() =>
      checkContentReply(
        'get_entity',
        { hash: entityHash },
        { hash: entityHash, content: { b: 1, name: 'x' }, created_at: at },
      ),
    ).not.toThrow();
    expectRefused(() =>
      checkContentReply(
        'get_entity',
        { hash: entityHash },
        { hash: entityHash, content: { b: 2, name: 'x' }, created_at: at },
      ),
    );
  });

  it('checks cognition profiles by their five fields', () => {
    const profile = {
      perceive_system_hash: hash,
      intend_system_hash: hash,
      adjudicate_system_hash: hash,
      adjudication_schema_hash: hash,
      adjudication_retry_budget: 2,
    };
    const profileHash = cognitionProfileHash(profile);
    const reply = { hash: profileHash, ...profile, created_at: at };
    expect(() =>
      checkContentReply('get_cognition_profile', { hash: profileHash }, reply),
    ).not.toThrow();
    expectRefused(() =>
      checkContentReply(
        'get_cognition_profile',
        { hash: profileHash },
        { ...reply, adjudication_retry_budget: 3 },
      ),
    );
  });

  it('checks every item of a get_components batch, and that it was asked for', () => {
    const request = { items: [{ kind: 'environment', hash }] };
    expect(() =>
      checkContentReply('get_components', request, {
        found: [{ kind: 'environment', hash, content: text, created_at: at }],
        missing: [],
      }),
    ).not.toThrow();
    expectRefused(() =>
      checkContentReply('get_components', request, {
        found: [{ kind: 'environment', hash, content: 'forged', created_at: at }],
        missing: [],
      }),
    );
    const other = textComponentHash('not asked');
    expectRefused(() =>
      checkContentReply('get_components', request, {
        found: [{ kind: 'environment', hash: other, content: 'not asked', created_at: at }],
        missing: [],
      }),
    );
  });

  it('leaves other operations alone', () => {
    expect(() => checkContentReply('list_names', {}, { anything: true })).not.toThrow();
  });
});
