import { ConfigError } from '@crucible/runtime';
import { readConfig } from './config';

describe('gateway config', () => {
  const base = { NATS_URL: 'nats://127.0.0.1:4222' };

  it('refuses to start with no credential source, or a weak admin token', () => {
    expect(() => readConfig(base)).toThrow(ConfigError);
    expect(() => readConfig({ ...base, CRUCIBLE_ADMIN_TOKEN: 'short' })).toThrow(/at least 32/);
  });

  it('needs issuer and audience with a key set', () => {
    expect(() => readConfig({ ...base, CRUCIBLE_JWKS_URL: 'https://idp.example/jwks' })).toThrow(
      /CRUCIBLE_JWT_ISSUER is required/,
    );
  });

  it('defaults to loopback hosts, plus HOST when it names one interface', () => {
    const token = { ...base, CRUCIBLE_ADMIN_TOKEN: 'x'.repeat(32) };
    expect(readConfig(token).allowedHosts).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(readConfig({ ...token, HOST: '0.0.0.0' }).allowedHosts).toEqual([
      'localhost',
      '127.0.0.1',
      '::1',
    ]);
    expect(readConfig({ ...token, HOST: '10.0.0.5' }).allowedHosts).toContain('10.0.0.5');
    expect(readConfig({ ...token, ALLOWED_HOSTS: 'API.example.com, [::1]' }).allowedHosts).toEqual([
      'api.example.com',
      '::1',
    ]);
    expect(readConfig(token).rateLimit).toEqual({ perMinute: 1200, burst: 200 });
  });
});
