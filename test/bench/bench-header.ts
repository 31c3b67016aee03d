import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, release, totalmem, type as osType } from 'node:os';
import { dirname, join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { Client } from 'pg';
import type { TestInfra } from '../support';
import { REPO_ROOT } from './bench-paths';

/** Where and on what a run measured: printed above the figures and saved with them. */
export interface BenchHeader {
  date: string;
  machine: { os: string; arch: string; cpuModel: string; cores: number; memoryGiB: number };
  node: string;
  /** Versions as the services resolve them (the workspace that depends on each). */
  packages: Record<string, string>;
  postgres: string;
  nats: string;
  git: { commit: string; dirty: boolean };
}

// Each package from the workspace that uses it: a workspace may resolve its
// own copy (libs/contracts has ajv 8 while the root has ajv 6 for eslint).
const PACKAGES: ReadonlyArray<{ name: string; usedBy: string }> = [
  { name: 'kafkajs', usedBy: 'libs/messaging' },
  { name: '@nats-io/transport-node', usedBy: 'libs/messaging' },
  { name: 'knex', usedBy: 'libs/database' },
  { name: 'pg', usedBy: 'libs/database' },
  { name: 'express', usedBy: 'services/gateway' },
  { name: 'ajv', usedBy: 'libs/contracts' },
];

/** Collects the header; the servers are asked for their versions. */
export async function collectHeader(infra: TestInfra): Promise<BenchHeader> {
  return {
    date: new Date().toISOString(),
    machine: {
      os: `${osType()} ${release()}`,
      arch: process.arch,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      cores: availableParallelism(),
      memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    },
    node: process.version,
    packages: Object.fromEntries(
      PACKAGES.map(({ name, usedBy }) => [name, packageVersion(name, usedBy)]),
    ),
    postgres: await postgresVersion(infra.pgAdminUrl),
    nats: await natsVersion(infra.natsUrl),
    git: gitState(),
  };
}

/** Node's lookup (node_modules folders from the workspace up to the root), without `exports` getting in the way. */
function packageVersion(name: string, usedBy: string): string {
  for (let dir = join(REPO_ROOT, usedBy); ; dir = dirname(dir)) {
    const manifest = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(manifest))
      return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
    if (dir === REPO_ROOT || dirname(dir) === dir) return 'not installed';
  }
}

async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const result = await client.query<{ server_version: string }>('show server_version');
    return result.rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}

async function natsVersion(url: string): Promise<string> {
  const nc = await connect({ servers: url, name: 'bench-header' });
  try {
    return nc.info?.version ?? 'unknown';
  } finally {
    await nc.close();
  }
}

function gitState(): BenchHeader['git'] {
  const git = (...args: string[]): string =>
    execFileSync('git', args, {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain') !== '' };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

/** The header as a few lines of text. */
export function formatHeader(header: BenchHeader): string {
  const { machine, git } = header;
  const packages = Object.entries(header.packages)
    .map(([name, version]) => `${name} ${version}`)
    .join(', ');
  return [
    `date      ${header.date}`,
    `machine   ${machine.os} ${machine.arch}; ${machine.cpuModel}; ${machine.cores} cores; ${machine.memoryGiB} GiB`,
    `node      ${header.node}`,
    `packages  ${packages}`,
    `servers   Postgres ${header.postgres}; NATS ${header.nats}`,
    `commit    ${git.commit}${git.dirty ? ' (dirty tree: uncommitted changes are measured too)' : ''}`,
  ].join('\n');
}
