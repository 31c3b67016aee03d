import { CrucibleError } from '@crucible/contracts';
import { thrownBy } from '@crucible/contracts/testing';
import { cognitionProfileHash, jsonComponentHash, textComponentHash } from '@crucible/hashing';
import { prepareProfile } from './profile-input';

const H = 'a'.repeat(64);

describe('prepareProfile', () => {
  const input = {
    perceive_system: { inline: 'See.' },
    intend_system: { hash: H },
    adjudicate_system: { inline: 'Judge.' },
    adjudication_schema: { inline: { type: 'object' } },
    adjudication_retry_budget: 3,
  };

  it('hashes parts and profile, with paths under the given pointer', () => {
    const profile = prepareProfile(input, '/cognition_profiles/4/inline');
    expect(profile.parts.map((p) => [p.kind, p.path, p.hash, p.inline !== undefined])).toEqual([
      [
        'perceive_system',
        '/cognition_profiles/4/inline/perceive_system/inline',
        textComponentHash('See.'),
        true,
      ],
      ['intend_system', '/cognition_profiles/4/inline/intend_system/hash', H, false],
      [
        'adjudicate_system',
        '/cognition_profiles/4/inline/adjudicate_system/inline',
        textComponentHash('Judge.'),
        true,
      ],
      [
        'adjudication_schema',
        '/cognition_profiles/4/inline/adjudication_schema/inline',
        jsonComponentHash({ type: 'object' }),
        true,
      ],
    ]);
    const row = {
      perceive_system_hash: textComponentHash('See.'),
      intend_system_hash: H,
      adjudicate_system_hash: textComponentHash('Judge.'),
      adjudication_schema_hash: jsonComponentHash({ type: 'object' }),
      adjudication_retry_budget: 3,
    };
    expect(profile.hash).toBe(cognitionProfileHash(row));
    expect(profile.row).toEqual({ hash: profile.hash, ...row });
  });

  it('keeps put_cognition_profile paths at the root', () => {
    expect(prepareProfile(input, '').parts[1]?.path).toBe('/intend_system/hash');
  });

  it('reports a bad inline part at its path', () => {
    expect(
      thrownBy(
        () =>
          prepareProfile(
            { ...input, adjudicate_system: { inline: '  ' }, adjudication_schema: { inline: {} } },
            '/cognition_profiles/0/inline',
          ),
        CrucibleError,
      ).details,
    ).toMatchObject({
      path: '/cognition_profiles/0/inline/adjudicate_system/inline',
      reason: 'empty_text',
    });
    expect(
      thrownBy(
        () =>
          prepareProfile(
            { ...input, adjudication_schema: { inline: { type: 'banana' } } },
            '/cognition_profiles/0/inline',
          ),
        CrucibleError,
      ).details,
    ).toMatchObject({
      path: '/cognition_profiles/0/inline/adjudication_schema/inline',
      reason: 'invalid_json_schema',
    });
  });
});
