/** A lineage node in the reply, and which of the two lists holds it. */
export interface Placed<N extends LineageKey> {
  readonly section: 'lineage' | 'descendants';
  readonly node: N;
}

/** What orders a lineage node in its list. */
export interface LineageKey {
  readonly distance: number;
  readonly created_at: string;
  readonly hash: string;
}

/**
 * A lineage_of cursor's position: the list (`l` lineage, `d` descendants) and
 * the sort key (distance, created_at, hash) of the last node a page listed.
 */
export type LineagePosition = ['l' | 'd', number, string, string];

export function isLineagePosition(value: unknown): value is LineagePosition {
  return (
    Array.isArray(value) &&
    value.length === 4 &&
    (value[0] === 'l' || value[0] === 'd') &&
    Number.isInteger(value[1]) &&
    (value[1] as number) >= 0 &&
    typeof value[2] === 'string' &&
    !Number.isNaN(Date.parse(value[2])) &&
    typeof value[3] === 'string' &&
    /^[0-9a-f]{64}$/.test(value[3])
  );
}

/**
 * The nodes after `position`, by sort key rather than by index, so a page
 * neither repeats nor skips a node when derivations were added meanwhile
 * (the walk is done again for every page): the lineage is ordered by distance
 * descending (the scenario itself, at 0, last), descendants by distance
 * ascending, both then by created_at and hash.
 */
export function afterLineagePosition<N extends LineageKey>(
  all: ReadonlyArray<Placed<N>>,
  position: LineagePosition,
): Array<Placed<N>> {
  const [list, distance, createdAt, hash] = position;
  const key = { distance, created_at: createdAt, hash };
  return all.filter((placed) => {
    if (list === 'd') return placed.section === 'descendants' && compare('d', placed.node, key) > 0;
    return placed.section === 'descendants' || compare('l', placed.node, key) > 0;
  });
}

/** The order of a list: negative when `a` comes before `b`. */
function compare(list: 'l' | 'd', a: LineageKey, b: LineageKey): number {
  const byDistance = list === 'l' ? b.distance - a.distance : a.distance - b.distance;
  if (byDistance !== 0) return byDistance;
  const byTime = Date.parse(a.created_at) - Date.parse(b.created_at);
  if (byTime !== 0) return byTime;
  return a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0;
}

/**
 * Direct parents listed per lineage node: a scenario derived again and again
 * from other parents can have any number, and one node must fit a page alone
 * (docs/messaging.md#paged-replies): 1000 hashes are 67 KB.
 */
export const PARENTS_LISTED = 1000;

/** The parents a node lists, and `parents_truncated` when it has more. */
export function listedParents(parents: readonly string[]): {
  parent_hashes: string[];
  parents_truncated?: true;
} {
  return parents.length > PARENTS_LISTED
    ? { parent_hashes: parents.slice(0, PARENTS_LISTED), parents_truncated: true }
    : { parent_hashes: [...parents] };
}
