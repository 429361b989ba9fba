/**
 * Reciprocal Rank Fusion: each list contributes `1 / (k + rank)` for every item it ranks (rank
 * from 1). Robust to the arms' incomparable score scales.
 */
export function reciprocalRankFusion(lists: ReadonlyArray<readonly string[]>, k = 60): Map<string, number> {
  const fused = new Map<string, number>();
  for (const list of lists) {
    list.forEach((id, i) => fused.set(id, (fused.get(id) ?? 0) + 1 / (k + i + 1)));
  }
  return fused;
}
