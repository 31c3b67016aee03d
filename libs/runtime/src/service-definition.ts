import type { OperationName } from '@crucible/contracts';
import type { EnvReader } from './env';
import type { Infrastructure } from './infrastructure';
import type { Stoppable } from './run-main';

/**
 * What a service declares about itself, once, in `services/<name>/src/definition.ts`
 * (exported from its package as `service`). Its own process, the all-in-one
 * platform and the registry test (test/repo) all start from it; the list of
 * services is services/registry.json (docs/adding-a-service.md).
 */
export interface ServiceSpec<Settings> {
  /** Its Postgres schema, NATS queue group, folder `services/<name>` and registry entry. */
  readonly name: string;
  readonly version: string;
  /** The operations of schemas/catalog.json it answers (the registry test compares). */
  readonly operations: readonly OperationName[];
  /**
   * The streams of schemas/catalog.json it owns: those it writes through its
   * outbox, and those others publish for it to read (evaluation's feedback).
   */
  readonly streams: readonly string[];
  /**
   * Reads its own variables, every one defaulted (not the connection
   * variables: the process or the platform reads those); problems go to the reader.
   */
  readSettings(reader: EnvReader): Settings;
  /** Starts it on the given infrastructure with the settings `readSettings` compiled. */
  start(infra: Infrastructure, settings: Settings): Promise<Stoppable>;
}

/** A service with its settings read, ready to start on some infrastructure. */
export interface ConfiguredService {
  readonly name: string;
  /** The compiled settings (for logs and tests). */
  readonly settings: unknown;
  start(infra: Infrastructure): Promise<Stoppable>;
}

// A brand rather than instanceof: the definition crosses packages, and the
// platform loads it by name (services/platform/src/registry.ts).
const SERVICE_DEFINITION = Symbol.for('crucible.service-definition');

/** A ServiceSpec with the type of its settings hidden, so definitions fit in one list. */
export interface ServiceDefinition {
  readonly [SERVICE_DEFINITION]: true;
  readonly name: string;
  readonly version: string;
  readonly operations: readonly OperationName[];
  readonly streams: readonly string[];
  /** Reads the service's settings from `reader` and binds them to its start function. */
  configure(reader: EnvReader): ConfiguredService;
}

/** Declares a service (see ServiceSpec). */
export function defineService<Settings>(spec: ServiceSpec<Settings>): ServiceDefinition {
  return {
    [SERVICE_DEFINITION]: true,
    name: spec.name,
    version: spec.version,
    operations: spec.operations,
    streams: spec.streams,
    configure(reader) {
      const settings = spec.readSettings(reader);
      return { name: spec.name, settings, start: (infra) => spec.start(infra, settings) };
    },
  };
}

/** Whether a value is a definition made by `defineService` (e.g. a package's `service` export). */
export function isServiceDefinition(value: unknown): value is ServiceDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Partial<Record<typeof SERVICE_DEFINITION, unknown>>)[SERVICE_DEFINITION] === true
  );
}
