import { parseKeysFile, tokenHash } from './api-keys';

describe('API keys file', () => {
  const sha = tokenHash('crucible_example');

  it('reads principals, hashes and scopes', () => {
    const keys = parseKeysFile(
      JSON.stringify({ keys: [{ principal: 'ci-bot', sha256: sha, scopes: ['write'] }] }),
      'keys.json',
    );
    expect(keys.get(sha)).toEqual({ id: 'ci-bot', scopes: new Set(['write']), via: 'api_key' });
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['no keys list', '{}', /expected \{"keys"/],
    [
      'a principal with a space',
      JSON.stringify({ keys: [{ principal: 'a b', sha256: sha, scopes: ['read'] }] }),
      /principal/,
    ],
    [
      'a short hash',
      JSON.stringify({ keys: [{ principal: 'a', sha256: 'abc', scopes: ['read'] }] }),
      /sha256/,
    ],
    [
      'an unknown scope',
      JSON.stringify({ keys: [{ principal: 'a', sha256: sha, scopes: ['root'] }] }),
      /scopes/,
    ],
    ['no scope', JSON.stringify({ keys: [{ principal: 'a', sha256: sha, scopes: [] }] }), /scopes/],
  ])('refuses %s, naming the file and the entry', (_what, text, message) => {
    expect(() => parseKeysFile(text, 'keys.json')).toThrow(message);
    expect(() => parseKeysFile(text, 'keys.json')).toThrow(/^keys\.json: /);
  });
});
