import { ConfigError } from './env';
import { defineService, isServiceDefinition } from './service-definition';
import { readServiceProcessConfig } from './service-process';

const example = defineService({
  name: 'example',
  version: '1.2.3',
  operations: [],
  streams: [],
  readSettings: (reader) => ({ size: reader.int('EXAMPLE_SIZE', 7, { min: 1, max: 10 }) }),
  start: () => Promise.resolve({ stop: () => Promise.resolve() }),
});

const CONNECTION = {
  DATABASE_URL: 'postgres://db/crucible',
  NATS_URL: 'nats://nats:4222',
  KAFKA_BROKERS: 'k1:9092, k2:9092',
};

describe('a service process configuration', () => {
  it('reads the connection variables and the service settings, defaulted', () => {
    const config = readServiceProcessConfig(example, CONNECTION);
    expect(config.env).toEqual({
      databaseUrl: 'postgres://db/crucible',
      natsUrl: 'nats://nats:4222',
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      poolMax: 10,
      prefix: 'crucible',
      logLevel: 'info',
    });
    expect(config.service).toMatchObject({ name: 'example', settings: { size: 7 } });
  });

  it("lists every problem at once, the service's own too", () => {
    let error: unknown;
    try {
      readServiceProcessConfig(example, { EXAMPLE_SIZE: '99', CRUCIBLE_PREFIX: 'Bad' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems.map((p) => p.split(' ')[0])).toEqual([
      'KAFKA_BROKERS',
      'CRUCIBLE_PREFIX',
      'DATABASE_URL',
      'NATS_URL',
      'EXAMPLE_SIZE',
    ]);
  });
});

describe('a service definition', () => {
  it('is recognised by its brand, not by its shape', () => {
    expect(isServiceDefinition(example)).toBe(true);
    expect(isServiceDefinition({ ...example })).toBe(true);
    const lookalike = Object.fromEntries(Object.entries(example));
    expect(Object.keys(lookalike)).toEqual(Object.keys(example));
    expect(isServiceDefinition(lookalike)).toBe(false);
    expect(isServiceDefinition(undefined)).toBe(false);
  });
});
