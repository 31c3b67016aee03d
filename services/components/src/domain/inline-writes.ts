import type { ComponentKind } from '@crucible/contracts';
import type { ContentKind } from './component-kinds';
import type { PreparedComponent } from './prepared-component';
import type { PreparedProfile } from './profile-input';

/** A component given inline, to store (store-or-reuse). */
export type InlineWrite =
  | { readonly kind: ContentKind; readonly hash: string; readonly component: PreparedComponent }
  | {
      readonly kind: 'cognition_profile';
      readonly hash: string;
      readonly profile: PreparedProfile;
    };

/** A profile's writes: its inline parts, then the profile itself. */
export function profileWrites(profile: PreparedProfile): InlineWrite[] {
  const writes: InlineWrite[] = [];
  for (const part of profile.parts)
    if (part.inline) writes.push({ kind: part.kind, hash: part.hash, component: part.inline });
  writes.push({ kind: 'cognition_profile', hash: profile.hash, profile });
  return writes;
}

/** The write of one inline text or JSON component. */
export function componentWrite(component: PreparedComponent): InlineWrite {
  return { kind: component.kind, hash: component.hash, component };
}

/**
 * The order every transaction of this service inserts in: the profile parts,
 * then profiles (their foreign keys need the parts), then environments and
 * entities; within a table by hash. Two transactions inserting overlapping
 * rows then take their row locks in the same order, so neither can wait on
 * the other in a cycle (a deadlock Postgres would abort one of them for).
 */
export const WRITE_ORDER: readonly ComponentKind[] = [
  'perceive_system',
  'intend_system',
  'adjudicate_system',
  'adjudication_schema',
  'cognition_profile',
  'environment',
  'entity',
];

const RANK = new Map(WRITE_ORDER.map((kind, rank) => [kind, rank]));

/** `<kind>:<hash>`, the identity of a stored component. */
export function componentKey(kind: ComponentKind, hash: string): string {
  return `${kind}:${hash}`;
}

/**
 * The writes in WRITE_ORDER, each component once (the first of equal
 * `<kind>:<hash>` is kept: equal keys mean equal content).
 */
export function inWriteOrder<W extends { readonly kind: ComponentKind; readonly hash: string }>(
  writes: Iterable<W>,
): W[] {
  const unique = new Map<string, W>();
  for (const write of writes) {
    const key = componentKey(write.kind, write.hash);
    if (!unique.has(key)) unique.set(key, write);
  }
  return [...unique.values()].sort(
    (a, b) =>
      (RANK.get(a.kind) ?? 0) - (RANK.get(b.kind) ?? 0) ||
      (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0),
  );
}

/**
 * Which occurrence of an inserted component reports `was_new: true`: the
 * first one asked about (callers ask in request order); every later
 * occurrence, and every component that was not inserted, reports false.
 */
export class NewRowClaims {
  private readonly unclaimed: Set<string>;

  constructor(inserted: Iterable<string>) {
    this.unclaimed = new Set(inserted);
  }

  claim(kind: ComponentKind, hash: string): boolean {
    return this.unclaimed.delete(componentKey(kind, hash));
  }
}
