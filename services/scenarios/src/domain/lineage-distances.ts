/**
 * Longest-path distance of each ancestor from `start`, over the edges among
 * `ancestors` (and `start`). A depth-first walk from `start`, parents in
 * order (primary first), leaves out each edge that leads back to a scenario
 * on the current path (it closes a cycle); on what is left, an acyclic
 * graph, distances grow in topological order. Iterative: chains can be
 * 100,000 deep.
 */
export function ancestorDistances(
  start: string,
  ancestors: ReadonlySet<string>,
  parentsOf: (hash: string) => readonly string[],
): Map<string, number> {
  const within = (h: string) => ancestors.has(h);
  const state = new Map<string, 'open' | 'done'>([[start, 'open']]);
  const kept = new Map<string, string[]>();
  const order: string[] = []; // post-order: every scenario after its parents
  const stack: Array<{ hash: string; next: number }> = [{ hash: start, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as { hash: string; next: number };
    const parents = parentsOf(top.hash);
    const parent = parents[top.next++];
    if (parent === undefined) {
      state.set(top.hash, 'done');
      order.push(top.hash);
      stack.pop();
      continue;
    }
    if (!within(parent) || state.get(parent) === 'open') continue; // outside, or a cycle
    const edges = kept.get(top.hash);
    if (edges) edges.push(parent);
    else kept.set(top.hash, [parent]);
    if (!state.has(parent)) {
      state.set(parent, 'open');
      stack.push({ hash: parent, next: 0 });
    }
  }
  const distance = new Map<string, number>([[start, 0]]);
  for (let i = order.length - 1; i >= 0; i--) {
    const child = order[i] as string;
    const d = distance.get(child);
    if (d === undefined) continue;
    for (const parent of kept.get(child) ?? []) {
      if ((distance.get(parent) ?? -1) < d + 1) distance.set(parent, d + 1);
    }
  }
  distance.delete(start);
  return distance;
}
