// Where the infrastructure scripts keep things. Everything they write lives
// under .cache/ (git-ignored), so a fresh clone starts clean.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const infraScriptsDir = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(infraScriptsDir, '..', '..');
export const cacheDir = path.join(repoRoot, '.cache');
/** State of what the scripts started: one record per process, plus up.json. */
export const infraStateDir = path.join(cacheDir, 'infra');
/** One folder per started server (config, data, logs), named by instance id. */
export const instancesDir = path.join(infraStateDir, 'instances');
