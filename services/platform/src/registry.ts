import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isServiceDefinition, type ServiceDefinition } from '@crucible/runtime';

/** The list of services (docs/adding-a-service.md); same depth from src/ and dist/. */
export const REGISTRY_FILE = resolve(__dirname, '../../registry.json');

/** One entry of services/registry.json. */
export interface RegistryEntry {
  /** The folder services/<name> and the package @crucible/<name>. */
  readonly name: string;
  /** What the service keeps, in a few words (for people reading the file). */
  readonly summary: string;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/** Reads and checks services/registry.json: names well formed and unique, each with a summary. */
export function readRegistry(file = REGISTRY_FILE): RegistryEntry[] {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const services = (raw as { services?: unknown } | null)?.services;
  if (!Array.isArray(services)) throw new Error(`${file}: "services" must be a list`);
  const seen = new Set<string>();
  return services.map((entry: unknown, i): RegistryEntry => {
    const { name, summary } = (entry ?? {}) as { name?: unknown; summary?: unknown };
    if (typeof name !== 'string' || !NAME.test(name))
      throw new Error(`${file}: services[${i}].name must match ${NAME.source}`);
    if (typeof summary !== 'string' || summary.trim() === '')
      throw new Error(`${file}: services[${i}].summary must be a non-empty string`);
    if (seen.has(name)) throw new Error(`${file}: service ${name} is listed twice`);
    seen.add(name);
    return { name, summary };
  });
}

/**
 * The definition of every registered service, in registry order: the
 * `service` export of each package @crucible/<name>. Loaded by name, so that
 * registering a service is one entry in services/registry.json and nothing
 * in this package.
 */
export function loadServiceDefinitions(entries = readRegistry()): ServiceDefinition[] {
  return entries.map(({ name }) => {
    const pkg = `@crucible/${name}`;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded by name, see above
    const loaded = require(pkg) as { service?: unknown };
    const definition = loaded.service;
    if (!isServiceDefinition(definition))
      throw new Error(
        `${pkg} does not export its definition as \`service\` (defineService, docs/adding-a-service.md)`,
      );
    if (definition.name !== name)
      throw new Error(`${pkg} exports the definition of "${definition.name}", not "${name}"`);
    return definition;
  });
}
