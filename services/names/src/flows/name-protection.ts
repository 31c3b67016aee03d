import type { NameProtection } from '@crucible/contracts';
import type { ProtectionRow } from '../store/name-store';

/**
 * A name's protection as resolve_name and list_names show it: `protected`
 * always, `protection` (since when, by whom, why) when it is protected.
 */
export function protectionFields(row: ProtectionRow | undefined): {
  protected: boolean;
  protection?: NameProtection;
} {
  if (row === undefined) return { protected: false };
  return {
    protected: true,
    protection: { protected_at: row.protected_at.toISOString(), actor: row.actor, note: row.note },
  };
}
