import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { OPERATION_SCOPES, type OperationScope } from '@crucible/contracts';
import type { Principal } from './principal';
import { PRINCIPAL_ID } from './principal';

/** The SHA-256 of a token, in hex: how API keys are stored and looked up. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * One entry of CRUCIBLE_API_KEYS_FILE (docs/security.md):
 * `{"keys": [{"principal": "ci-bot", "sha256": "<64 hex>", "scopes": ["write"]}]}`.
 * Only the hash is kept: a copy of the file opens nothing. A plain SHA-256
 * suffices because keys are 256 random bits (`npm run api-key`), not
 * passwords: there is nothing to guess a dictionary of.
 */
interface KeyEntry {
  readonly principal: string;
  readonly sha256: string;
  readonly scopes: readonly OperationScope[];
}

/** The API keys the gateway accepts: the admin token and the keys file's entries, by hash. */
export class ApiKeys {
  private fileKeys = new Map<string, Principal>();
  private fileStamp = '';
  private checkedAt = 0;

  /**
   * Reads the keys file now (a bad file refuses the start). `recheckMs`: how
   * often, at most, to look whether the file changed, so that keys can be
   * added and revoked without a restart.
   */
  constructor(
    private readonly adminTokenHash: string | undefined,
    private readonly file: string | undefined,
    private readonly recheckMs = 2_000,
  ) {
    if (file !== undefined) this.reload(true);
  }

  /** The principal a token is the key of, or undefined. */
  lookup(token: string): Principal | undefined {
    const hash = tokenHash(token);
    if (hash === this.adminTokenHash)
      return { id: 'admin', scopes: new Set(OPERATION_SCOPES), via: 'api_key' };
    if (this.file !== undefined && Date.now() - this.checkedAt >= this.recheckMs)
      this.reload(false);
    return this.fileKeys.get(hash);
  }

  /** Re-reads the file when its size or time changed; a broken edit keeps the previous keys. */
  private reload(atStart: boolean): void {
    const file = this.file!;
    this.checkedAt = Date.now();
    try {
      const stat = statSync(file);
      const stamp = `${stat.mtimeMs}:${stat.size}`;
      if (stamp === this.fileStamp) return;
      this.fileKeys = parseKeysFile(readFileSync(file, 'utf8'), file);
      this.fileStamp = stamp;
    } catch (error) {
      if (atStart) throw error;
      // A half-written or broken file while running: keep serving with the keys read before.
    }
  }
}

/** Parses and checks a keys file; throws naming the first problem. */
export function parseKeysFile(text: string, file: string): Map<string, Principal> {
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what} (docs/security.md)`);
  };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(`not JSON: ${(error as Error).message}`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return fail('expected {"keys": [...]}');
  const table = new Map<string, Principal>();
  keys.forEach((raw: unknown, i) => {
    const entry = raw as Partial<KeyEntry> | null;
    if (typeof entry?.principal !== 'string' || !PRINCIPAL_ID.test(entry.principal))
      fail(`keys[${i}].principal must be 1 to 128 printable ASCII characters without spaces`);
    if (typeof entry?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256))
      fail(`keys[${i}].sha256 must be 64 lowercase hex digits`);
    const scopes = entry?.scopes;
    if (
      !Array.isArray(scopes) ||
      scopes.length === 0 ||
      !scopes.every((s) => OPERATION_SCOPES.includes(s as OperationScope))
    )
      fail(`keys[${i}].scopes must list some of ${OPERATION_SCOPES.join(', ')}`);
    table.set(entry!.sha256!, {
      id: entry!.principal!,
      scopes: new Set(scopes as OperationScope[]),
      via: 'api_key',
    });
  });
  return table;
}
