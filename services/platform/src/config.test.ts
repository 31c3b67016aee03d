import { readComponentsSettings } from '@crucible/components';
import { ConfigError, defineService, EnvReader } from '@crucible/runtime';
import { readConfig } from './config';
import { loadServiceDefinitions } from './registry';

describe('the platform configuration', () => {
  const definitions = loadServiceDefinitions();
  // The gateway needs a credential (npm start passes one: docs/security.md).
  const TOKEN = { CRUCIBLE_ADMIN_TOKEN: 'x'.repeat(32) };

  it("reads every registered service's own settings with the service's reader", () => {
    const env = {
      ...TOKEN,
      CRUCIBLE_DATA_DIR: '/tmp/crucible-config-test',
      COMPONENTS_CACHE_MB: '3',
    };
    const config = readConfig(env, definitions);
    expect(config.services.map((service) => service.name)).toEqual(
      definitions.map((definition) => definition.name),
    );
    const components = config.services.find((service) => service.name === 'components');
    expect(components?.settings).toEqual(readComponentsSettings(new EnvReader(env)));
    expect(components?.settings).toEqual({ cacheBytes: 3 * 1024 * 1024 });
  });

  it('shares REQUEST_TIMEOUT_MS between the gateway and the services that call others', () => {
    const config = readConfig({ ...TOKEN, REQUEST_TIMEOUT_MS: '1234' }, definitions);
    expect(config.gateway.requestTimeoutMs).toBe(1234);
    expect(config.services.find((s) => s.name === 'names')?.settings).toEqual({
      requestTimeoutMs: 1234,
    });
  });

  it('needs none of the connection variables of a service process, only a credential', () => {
    expect(() => readConfig(TOKEN, definitions)).not.toThrow();
    expect(() => readConfig({}, definitions)).toThrow(/no credentials configured/);
  });

  it("reports every bad variable at once, a service's and the gateway's, each once", () => {
    let error: unknown;
    try {
      readConfig(
        { ...TOKEN, COMPONENTS_CACHE_MB: 'lots', REQUEST_TIMEOUT_MS: '-1', PORT: 'x' },
        definitions,
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    for (const variable of ['COMPONENTS_CACHE_MB', 'REQUEST_TIMEOUT_MS', 'PORT'])
      expect(problems.filter((p) => p.startsWith(variable))).toHaveLength(1);
  });

  it('starts services in the order given, each bound to its settings', async () => {
    const started: string[] = [];
    const fake = (name: string) =>
      defineService({
        name,
        version: '0.0.0',
        operations: [],
        streams: [],
        readSettings: (reader) => ({ label: reader.string('LABEL', 'none') }),
        start: (_infra, settings) => {
          started.push(`${name}:${settings.label}`);
          return Promise.resolve({ stop: () => Promise.resolve() });
        },
      });
    const config = readConfig({ ...TOKEN, LABEL: 'x' }, [fake('b'), fake('a')]);
    for (const service of config.services) await service.start(undefined as never); // the fakes ignore the infrastructure
    expect(started).toEqual(['b:x', 'a:x']);
  });
});
