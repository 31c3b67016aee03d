import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventDataTypes, OperationTypes } from './generated/maps';
import { DEFAULT_SCHEMAS_DIR, SchemaRegistry } from './schema-registry';

export type OperationName = keyof OperationTypes;
export type RequestOf<Op extends OperationName> = OperationTypes[Op]['request'];
export type ReplyOf<Op extends OperationName> = OperationTypes[Op]['reply'];
export type EventType = keyof EventDataTypes;
export type EventDataOf<T extends EventType> = EventDataTypes[T][keyof EventDataTypes[T]];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * What a caller's credential must grant to call an operation through the
 * gateway (docs/security.md). Each includes the ones before it: a write
 * credential may read, an admin one may do anything.
 */
export type OperationScope = 'read' | 'write' | 'admin';

/** Every scope, weakest first. */
export const OPERATION_SCOPES: readonly OperationScope[] = ['read', 'write', 'admin'];

/** Whether a credential granting `granted` may call an operation that needs `needed`. */
export function scopeGrants(granted: Iterable<OperationScope>, needed: OperationScope): boolean {
  const rank = OPERATION_SCOPES.indexOf(needed);
  for (const scope of granted) if (OPERATION_SCOPES.indexOf(scope) >= rank) return true;
  return false;
}

/** One operation of the catalog: who answers it and the schemas of both ends. */
export interface OperationSpec {
  readonly name: OperationName;
  readonly service: string;
  readonly request: string;
  readonly reply: string;
  readonly http: { readonly method: HttpMethod; readonly path: string };
  readonly readOnly: boolean;
  readonly idempotent: boolean;
  /** The scope its callers need at the gateway. */
  readonly scope: OperationScope;
  readonly summary: string;
  /** false: only for other services; the gateway offers no route or tool for it. */
  readonly exposed: boolean;
  /**
   * The services that call it over the bus (the gateway, which calls every
   * exposed operation, is not listed). A dependency between services is
   * declared here or it does not exist: see `mayCall`.
   */
  readonly callers: readonly string[];
  /**
   * The reply holds a list that grows with stored content, cut into pages by
   * count and by size so it always fits the bus (docs/messaging.md#paged-replies).
   */
  readonly paged: boolean;
}

/** One event of the catalog: its stream (topic) and its data schema per version. */
export interface EventSpec {
  readonly type: EventType;
  readonly stream: string;
  readonly name: string;
  readonly summary: string;
  /** schema_version -> schema file */
  readonly versions: ReadonlyMap<number, string>;
  readonly latestVersion: number;
}

interface CatalogFile {
  operations: Record<
    string,
    Omit<OperationSpec, 'name' | 'exposed' | 'callers' | 'paged'> & {
      exposed?: boolean;
      callers?: string[];
      paged?: boolean;
    }
  >;
  streams: Record<
    string,
    {
      description: string;
      service?: string;
      events: Record<string, { summary: string; versions: Record<string, string> }>;
    }
  >;
}

/**
 * The message catalog (schemas/catalog.json), checked against its own schema
 * and against the schema folder: every file it names exists. Each schema is
 * compiled when a message is first checked against it (SchemaRegistry), not
 * here: compiling all of them took 1.2 s of CPU in every process that built
 * a catalog, and a process uses a few of them (catalog.test.ts compiles them
 * all, so a schema that does not compile fails the tests, not a service).
 */
export class Catalog {
  readonly operations: ReadonlyMap<OperationName, OperationSpec>;
  readonly events: ReadonlyMap<EventType, EventSpec>;
  readonly streams: readonly string[];
  /** Each stream's owning service: its `service`, else the service it is named after. */
  private readonly owners: ReadonlyMap<string, string>;

  constructor(readonly registry: SchemaRegistry) {
    const raw: unknown = JSON.parse(readFileSync(join(registry.dir, 'catalog.json'), 'utf8'));
    const error = registry.check('catalog.schema.json', raw);
    if (error)
      throw new Error(`schemas/catalog.json is invalid at ${error.instancePath}: ${error.message}`);
    const file = raw as CatalogFile;

    const operations = new Map<OperationName, OperationSpec>();
    for (const [name, spec] of Object.entries(file.operations)) {
      for (const schema of [spec.request, spec.reply]) known(registry, schema);
      operations.set(name as OperationName, {
        ...spec,
        exposed: spec.exposed ?? true,
        paged: spec.paged ?? false,
        callers: spec.callers ?? [],
        name: name as OperationName,
      });
    }
    checkCallers(operations);
    const events = new Map<EventType, EventSpec>();
    for (const [stream, s] of Object.entries(file.streams)) {
      for (const [name, e] of Object.entries(s.events)) {
        const versions = new Map<number, string>();
        for (const [v, schema] of Object.entries(e.versions)) {
          known(registry, schema);
          versions.set(Number(v), schema);
        }
        const type = `${stream}.${name}` as EventType;
        events.set(type, {
          type,
          stream,
          name,
          summary: e.summary,
          versions,
          latestVersion: Math.max(...versions.keys()),
        });
      }
    }
    this.operations = operations;
    this.events = events;
    this.streams = Object.keys(file.streams);
    this.owners = new Map(
      Object.entries(file.streams).map(([stream, s]) => [stream, s.service ?? stream]),
    );
  }

  /** The service that owns `stream`: it creates the stream's topics and names itself its events' source. */
  streamService(stream: string): string {
    const owner = this.owners.get(stream);
    if (owner === undefined) throw new Error(`unknown stream ${stream}`);
    return owner;
  }

  /** The streams `service` owns, in catalog order. */
  streamsOf(service: string): string[] {
    return this.streams.filter((stream) => this.owners.get(stream) === service);
  }

  operation(name: OperationName): OperationSpec {
    const spec = this.operations.get(name);
    if (!spec) throw new Error(`unknown operation ${name}`);
    return spec;
  }

  /** Whether a string names an operation (for untrusted input such as MCP tool names). */
  isOperation(name: string): name is OperationName {
    return this.operations.has(name as OperationName);
  }

  /** The operations the gateway offers (HTTP routes and MCP tools). */
  exposedOperations(): OperationSpec[] {
    return [...this.operations.values()].filter((op) => op.exposed);
  }

  operationsOf(service: string): OperationSpec[] {
    return [...this.operations.values()].filter((op) => op.service === service);
  }

  /** Whether the catalog declares that `service` calls `operation` (see `OperationSpec.callers`). */
  mayCall(service: string, operation: OperationName): boolean {
    return this.operation(operation).callers.includes(service);
  }

  event(type: EventType): EventSpec {
    const spec = this.events.get(type);
    if (!spec) throw new Error(`unknown event type ${type}`);
    return spec;
  }

  isEventType(type: string): type is EventType {
    return this.events.has(type as EventType);
  }
}

/** Throws as `registry.validator` does for a file that is not in the schema folder. */
function known(registry: SchemaRegistry, schema: string): void {
  if (!registry.has(schema)) throw new Error(`unknown schema ${schema}`);
}

/** Every caller is another service of the catalog: a typo must not grant nothing silently. */
function checkCallers(operations: ReadonlyMap<OperationName, OperationSpec>): void {
  const services = new Set([...operations.values()].map((op) => op.service));
  for (const op of operations.values()) {
    for (const caller of op.callers) {
      if (caller === op.service)
        throw new Error(`schemas/catalog.json: ${op.name} lists its own service as a caller`);
      if (!services.has(caller))
        throw new Error(`schemas/catalog.json: ${op.name} lists ${caller}, which is no service`);
    }
  }
}

let shared: Catalog | undefined;

/** The catalog over the repository's schemas/ folder, loaded once per process. */
export function defaultCatalog(): Catalog {
  shared ??= new Catalog(new SchemaRegistry(DEFAULT_SCHEMAS_DIR));
  return shared;
}
