import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openEmbeddedPostgres } from '@crucible/database';

// Creating a PGlite cluster (its initdb) is most of what opening an embedded
// platform costs: measured 4-15 s, against about 1 s to open a copy of one.
// So each test gets a copy of one freshly created, empty cluster, made once
// per PGlite version and kept in .cache/ (like the Kafka jars). Its services
// still run every migration on it, as on a new folder. `npm start` and the
// start tests create their folders from nothing, so that path stays tested.
const REPO_ROOT = join(__dirname, '..', '..');

function pgliteVersion(): string {
  const manifest = join(REPO_ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** The template folder, created on first use (by whichever process gets there first). */
async function template(): Promise<string> {
  const folder = join(REPO_ROOT, '.cache', 'pglite-template', pgliteVersion());
  if (existsSync(join(folder, 'pgdata', 'PG_VERSION'))) return folder;
  const made = mkdtempSync(join(tmpdir(), 'crucible-template-'));
  try {
    const postgres = await openEmbeddedPostgres(made);
    await postgres.knex.raw('select 1');
    await postgres.close();
    mkdirSync(dirname(folder), { recursive: true });
    cpSync(made, `${folder}.tmp-${process.pid}`, { recursive: true });
    try {
      renameSync(`${folder}.tmp-${process.pid}`, folder);
    } catch (error) {
      // Another process made it first: theirs is as good as ours.
      if (!existsSync(join(folder, 'pgdata', 'PG_VERSION'))) throw error;
    }
  } finally {
    rmSync(made, { recursive: true, force: true });
    rmSync(`${folder}.tmp-${process.pid}`, { recursive: true, force: true });
  }
  return folder;
}

/**
 * A new temporary data folder for `openEmbeddedPostgres`/`openEmbeddedInfrastructure`,
 * holding a fresh, empty cluster; remove it when done.
 */
export async function embeddedDataDir(prefix = 'crucible-test-'): Promise<string> {
  const from = await template();
  const dataDir = mkdtempSync(join(tmpdir(), prefix));
  cpSync(from, dataDir, { recursive: true });
  return dataDir;
}
