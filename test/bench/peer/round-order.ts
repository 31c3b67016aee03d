// The order in which the peer bench runs its three sides, round by round.

/**
 * The order of the sides in a round: the list turned by one place a round,
 * and in every other turn of the list read backwards and turned the other
 * way. For the bench's three sides, every six rounds each side runs in each
 * place twice, after each other side as often, and never twice in a row
 * (test/repo/bench-round-order.test.ts). Before, with two fixed orders (ours,
 * Moleculer, bare, then the reverse), Moleculer always ran second and after
 * ours or bare, ours after itself or Moleculer, never after bare.
 */
export function roundOrder<T>(sides: readonly T[], round: number): T[] {
  const n = sides.length;
  const backwards = Math.floor(round / n) % 2 === 1;
  const by = backwards ? (n - (round % n)) % n : round % n;
  const turned = sides.map((_, i) => sides[(i + by) % n]!);
  return backwards ? turned.reverse() : turned;
}
