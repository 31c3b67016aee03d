import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import { defaultCatalog } from '@crucible/contracts';
import { readConfig as readGatewayConfig } from '@crucible/gateway';
import {
  loadServiceDefinitions,
  readConfig as readPlatformConfig,
  readRegistry,
} from '@crucible/platform';
import { ConfigError, readServiceProcessConfig } from '@crucible/runtime';
import { markdownTable } from './markdown-table';

// services/registry.json is the one list of services (docs/adding-a-service.md).
// What is derived from it needs no test; everything kept by hand beside it is
// compared with it here, so a new service cannot be half registered.
const ROOT = join(__dirname, '..', '..');
const FRONT = ['gateway'];

function read(file: string): string {
  return readFileSync(join(ROOT, file), 'utf8');
}

function readJson<T>(file: string): T {
  return JSON.parse(read(file)) as T;
}

function sorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** The environment variables `readConfig` looks at, whatever their values. */
function variablesRead(readConfig: (env: NodeJS.ProcessEnv) => unknown): string[] {
  const seen = new Set<string>();
  const env = new Proxy<NodeJS.ProcessEnv>(
    {},
    {
      get(_target, key) {
        if (typeof key === 'string') seen.add(key);
        return undefined;
      },
    },
  );
  try {
    readConfig(env);
  } catch (error) {
    // An empty environment lacks the required variables; every one was still read.
    if (!(error instanceof ConfigError)) throw error;
  }
  return sorted(seen);
}

/** Workspace package folders, as package.json's `workspaces` globs find them. */
function workspaceFolders(): string[] {
  const { workspaces } = readJson<{ workspaces: string[] }>('package.json');
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(join(ROOT, parent))
      .map((name) => `${parent}/${name}`)
      .filter((dir) => existsSync(join(ROOT, dir, 'package.json')));
  });
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

interface TsConfig {
  references?: Array<{ path: string }>;
}

describe('the service registry', () => {
  const registry = readRegistry();
  const names = registry.map((entry) => entry.name);
  const definitions = loadServiceDefinitions(registry);

  it('lists services that each have a folder, a package, a definition and migrations', () => {
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const manifest = readJson<Manifest>(`services/${name}/package.json`);
      expect({ name, package: manifest.name }).toEqual({ name, package: `@crucible/${name}` });
      for (const file of ['src/definition.ts', 'src/main.ts', 'src/config.ts'])
        expect({ name, file, exists: existsSync(join(ROOT, 'services', name, file)) }).toEqual({
          name,
          file,
          exists: true,
        });
      expect({ name, migrations: existsSync(join(ROOT, 'migrations', name)) }).toEqual({
        name,
        migrations: true,
      });
    }
  });

  it("loads each package's definition, named and versioned like its package", () => {
    expect(definitions.map((d) => ({ name: d.name, version: d.version }))).toEqual(
      names.map((name) => ({
        name,
        version: readJson<Manifest>(`services/${name}/package.json`).version,
      })),
    );
  });

  describe('and the catalog (schemas/catalog.json)', () => {
    const catalog = defaultCatalog();

    it('name the same services', () => {
      const named = [...catalog.operations.values()].map((op) => op.service);
      const owners = catalog.streams.map((stream) => catalog.streamService(stream));
      expect(sorted([...named, ...owners])).toEqual(sorted(names));
    });

    it.each(names)('give %s the same operations', (name) => {
      const definition = definitions.find((d) => d.name === name)!;
      expect(sorted(definition.operations)).toEqual(
        sorted(catalog.operationsOf(name).map((op) => op.name)),
      );
    });

    it('give every stream to one service: the one the catalog says owns it, named in its name', () => {
      // prepareService (libs/runtime) creates the topics of the streams the catalog gives the service.
      const declared = definitions.flatMap((d) => d.streams.map((stream) => [d.name, stream]));
      expect(declared.filter(([name, stream]) => catalog.streamService(stream!) !== name)).toEqual(
        [],
      );
      expect(
        declared.filter(([name, stream]) => stream !== name && !stream!.startsWith(`${name}_`)),
      ).toEqual([]);
      expect(declared.map(([, stream]) => stream!).sort()).toEqual(sorted(catalog.streams));
    });
  });

  describe('and the build', () => {
    const folders = workspaceFolders();

    it('tsconfig.json references every workspace package', () => {
      const references = readJson<TsConfig>('tsconfig.json').references ?? [];
      expect(sorted(references.map((r) => r.path))).toEqual(sorted(folders));
    });

    it.each(folders)(
      '%s references in its tsconfig.json exactly the packages it depends on',
      (folder) => {
        const byName = new Map(
          folders.map((dir) => [readJson<Manifest>(`${dir}/package.json`).name, dir]),
        );
        const manifest = readJson<Manifest>(`${folder}/package.json`);
        const dependsOn = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })
          .filter((name) => byName.has(name))
          .map((name) => byName.get(name)!);
        const references = (readJson<TsConfig>(`${folder}/tsconfig.json`).references ?? []).map(
          (r) => join(folder, r.path),
        );
        expect(sorted(references)).toEqual(sorted(dependsOn));
      },
    );

    it('jest maps every service package to its sources', () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file
      const config = require(join(ROOT, 'jest.config.js')) as {
        projects: Array<{ moduleNameMapper: Record<string, string> }>;
      };
      for (const project of config.projects)
        for (const name of [...names, ...FRONT])
          expect(project.moduleNameMapper[`^@crucible/${name}$`]).toBe(
            `<rootDir>/services/${name}/src/index.ts`,
          );
    });

    it('the container image builds every service and the gateway', () => {
      const build = /RUN npx tsc -b ([^&\n]+)/.exec(read('deploy/Dockerfile'));
      expect(build).not.toBeNull();
      const built = build![1]!
        .trim()
        .split(/\s+/)
        .flatMap((arg) =>
          // `dir/*/` is a shell glob over the packages of dir.
          arg.endsWith('/*/')
            ? folders.filter((f) => f.startsWith(arg.slice(0, -2)))
            : [arg.replace(/\/$/, '')],
        );
      for (const name of [...names, ...FRONT, 'platform'])
        expect(built).toContain(`services/${name}`);
    });

    it('deploy/compose.yaml runs every service, on the infrastructure, with its own credentials', () => {
      const compose = loadYaml(read('deploy/compose.yaml')) as {
        services: Record<
          string,
          { command?: string[]; environment?: Record<string, string>; volumes?: string[] }
        >;
      };
      const run = Object.entries(compose.services).flatMap(([container, spec]) => {
        const main = (spec.command ?? [])
          .map((arg) => /^services\/([a-z0-9_]+)\/dist\/main\.js$/.exec(arg)?.[1])
          .find((name) => name !== undefined);
        return main ? [{ container, service: main, spec }] : [];
      });
      expect(sorted(run.map((r) => r.service))).toEqual(sorted([...names, ...FRONT]));
      for (const { service, spec } of run) {
        // Its own DATABASE_URL, NATS_USER and NATS_PASSWORD, from deploy/secrets.mjs,
        // in a volume only it mounts; never the administrator's URL.
        expect({
          service,
          command: spec.command,
          volumes: spec.volumes,
          env: Object.keys(spec.environment ?? {}),
        }).toEqual({
          service,
          command: expect.arrayContaining(['--env-file=/run/crucible/process.env']),
          volumes: [`${service}-secrets:/run/crucible:ro`],
          env: expect.not.arrayContaining(['DATABASE_URL', 'NATS_USER', 'NATS_PASSWORD']),
        });
        if (names.includes(service))
          expect({ service, env: Object.keys(spec.environment ?? {}) }).toEqual({
            service,
            env: expect.arrayContaining(['KAFKA_BROKERS', 'NATS_URL']),
          });
      }
      const secrets = compose.services.secrets?.volumes ?? [];
      for (const { service } of run)
        expect(secrets).toContain(`${service}-secrets:/secrets/${service}`);
    });
  });

  describe('and the docs', () => {
    it("docs/architecture.md's process table has every process", () => {
      const rows = markdownTable(read('docs/architecture.md'), ['process', 'entry', 'owns']);
      const entries = rows.map(
        (row) => /services\/([a-z0-9_]+)\/dist\/main\.js/.exec(row[1]!)?.[1],
      );
      expect(sorted(entries.map(String))).toEqual(sorted([...names, ...FRONT, 'platform']));
    });

    it("docs/running.md lists each process's variables, exactly", () => {
      const rows = markdownTable(read('docs/running.md'), ['service', 'variables']);
      const documented = Object.fromEntries(
        rows.map(([process, variables]) => [
          process!.trim(),
          sorted(variables!.match(/`[A-Z][A-Z0-9_]*`/g)?.map((v) => v.slice(1, -1)) ?? []),
        ]),
      );
      const actual: Record<string, string[]> = {
        gateway: variablesRead(readGatewayConfig),
      };
      for (const definition of definitions)
        actual[definition.name] = variablesRead((env) => readServiceProcessConfig(definition, env));
      for (const [process, variables] of Object.entries(actual))
        expect({ process, variables: documented[process] }).toEqual({ process, variables });
      // Besides the processes, one row for what all of them read (telemetry).
      expect(sorted(Object.keys(documented))).toEqual(sorted([...Object.keys(actual), 'all']));
    });

    it("docs/running.md lists the embedded platform's variables, exactly", () => {
      const rows = markdownTable(read('docs/running.md'), ['variable', 'default', 'meaning']);
      const documented = sorted(rows.map(([variable]) => variable!.replace(/`/g, '').trim()));
      expect(documented).toEqual(variablesRead((env) => readPlatformConfig(env, definitions)));
    });

    it("README's layout table has every service", () => {
      const rows = markdownTable(read('README.md'), ['path', 'what']);
      const paths = rows.map(([path]) => path!.replace(/`/g, '').trim());
      for (const name of [...names, ...FRONT, 'platform'])
        expect(paths).toContain(`services/${name}`);
    });
  });
});
