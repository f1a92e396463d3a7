/**
 * Cutting a list of serialised changes into calls that stay under a size
 * limit (Durable Object RPC arguments may be at most 32 MiB, and a
 * namespace's cascade can commit more than that in one tick).
 */

/** Consecutive runs of items, each holding at most `max` characters of data (an oversized item goes alone). */
export function byteBatches<T extends { data: string }>(items: T[], max: number): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let size = 0;
  for (const it of items) {
    if (cur.length && size + it.data.length > max) {
      out.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(it);
    size += it.data.length;
  }
  if (cur.length) out.push(cur);
  return out;
}
