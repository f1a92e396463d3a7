/**
 * Orderings controllers share: controller.ReplicaSetsByCreationTimestamp and
 * its kin sort objects oldest first, by name when created in the same second.
 */
import type { KObject } from "../../registry/types.js";
import { timeMs } from "./time.js";

export function olderFirst(a: KObject, b: KObject): number {
  const ta = timeMs(a.metadata.creationTimestamp) ?? 0;
  const tb = timeMs(b.metadata.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata.name ?? "";
  const nb = b.metadata.name ?? "";
  return na < nb ? -1 : na > nb ? 1 : 0;
}
