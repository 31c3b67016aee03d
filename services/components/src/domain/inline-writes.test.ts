import { prepareJson, prepareText } from './prepared-component';
import { prepareProfile } from './profile-input';
import {
  NewRowClaims,
  WRITE_ORDER,
  componentKey,
  componentWrite,
  inWriteOrder,
  profileWrites,
} from './inline-writes';

describe('inWriteOrder', () => {
  it('orders by table (parts, profiles, environments, entities), then by hash', () => {
    const writes = [
      { kind: 'entity', hash: 'b' },
      { kind: 'environment', hash: 'z' },
      { kind: 'entity', hash: 'a' },
      { kind: 'cognition_profile', hash: 'c' },
      { kind: 'adjudication_schema', hash: 'd' },
      { kind: 'environment', hash: 'y' },
      { kind: 'perceive_system', hash: 'f' },
      { kind: 'intend_system', hash: 'e' },
      { kind: 'adjudicate_system', hash: 'g' },
    ] as const;
    expect(inWriteOrder(writes).map((w) => `${w.kind}:${w.hash}`)).toEqual([
      'perceive_system:f',
      'intend_system:e',
      'adjudicate_system:g',
      'adjudication_schema:d',
      'cognition_profile:c',
      'environment:y',
      'environment:z',
      'entity:a',
      'entity:b',
    ]);
    expect(WRITE_ORDER).toHaveLength(7);
  });

  it('keeps each component once, the first occurrence', () => {
    const writes = [
      { kind: 'environment', hash: 'x', n: 1 },
      { kind: 'entity', hash: 'x', n: 2 },
      { kind: 'environment', hash: 'x', n: 3 },
    ] as const;
    expect(inWriteOrder(writes).map((w) => w.n)).toEqual([1, 2]);
  });
});

describe('profileWrites', () => {
  it('lists the inline parts, then the profile', () => {
    const profile = prepareProfile(
      {
        perceive_system: { inline: 'See.' },
        intend_system: { hash: 'a'.repeat(64) },
        adjudicate_system: { inline: 'Judge.' },
        adjudication_schema: { inline: { type: 'object' } },
        adjudication_retry_budget: 0,
      },
      '',
    );
    expect(profileWrites(profile).map((w) => w.kind)).toEqual([
      'perceive_system',
      'adjudicate_system',
      'adjudication_schema',
      'cognition_profile',
    ]);
  });

  it('writes a component under its own kind and hash', () => {
    const env = prepareText('environment', 'Room', '/x');
    expect(componentWrite(env)).toMatchObject({ kind: 'environment', hash: env.hash });
    const entity = prepareJson('entity', { id: 'a', name: 'A', environment: 'r' }, '/x');
    expect(componentWrite(entity)).toMatchObject({ kind: 'entity', hash: entity.hash });
  });
});

describe('NewRowClaims', () => {
  it('answers true once per inserted row, false for everything else', () => {
    const claims = new NewRowClaims([componentKey('environment', 'h')]);
    expect(claims.claim('entity', 'h')).toBe(false);
    expect(claims.claim('environment', 'h')).toBe(true);
    expect(claims.claim('environment', 'h')).toBe(false);
    expect(claims.claim('environment', 'other')).toBe(false);
  });
});
