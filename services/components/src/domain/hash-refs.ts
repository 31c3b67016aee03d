import { notFound, type ComponentKind, type CrucibleError } from '@crucible/contracts';

/** A component named by {hash} in a request, which must already be stored. */
export interface HashRef {
  readonly kind: ComponentKind;
  readonly hash: string;
  /** JSON Pointer of the `hash` member in the request. */
  readonly path: string;
}

/**
 * The first reference, in the order given, that `exists` denies. Callers list
 * references in request order, so the error a request gets is deterministic
 * however the lookups were batched.
 */
export function firstMissing(
  refs: Iterable<HashRef>,
  exists: (kind: ComponentKind, hash: string) => boolean,
): HashRef | undefined {
  for (const ref of refs) if (!exists(ref.kind, ref.hash)) return ref;
  return undefined;
}

/** not_found with reason component_not_found, pointing at the missing reference. */
export function componentNotFound(ref: HashRef): CrucibleError {
  return notFound(`${ref.path}: no ${ref.kind} with hash ${ref.hash}`, {
    path: ref.path,
    reason: 'component_not_found',
    kind: ref.kind,
    hash: ref.hash,
  });
}
