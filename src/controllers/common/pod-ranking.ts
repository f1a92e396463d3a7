/**
 * Which pods a controller deletes first when it has too many: the order of
 * Kubernetes' ActivePodsWithRanks (used by ReplicaSets and Jobs), so that
 * the least useful pods go first and availability suffers least.
 */
import { isPodActive, isPodReady, maxContainerRestarts, podDeletionCost, podReadyTime, type Pod } from "./pods.js";
import { timeMs } from "./time.js";

/** podPhaseToOrdinal: Pending (and unknown phases) < Unknown < Running. */
const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const phaseOrdinal = (p: Pod) => PHASE_ORDINAL[p.status?.phase ?? ""] ?? 0;

/** afterOrZero: a missing time first, then the later one first. */
const laterFirst = (a: number | undefined, b: number | undefined) => (a === b ? 0 : a === undefined ? -1 : b === undefined ? 1 : b - a);

/**
 * The pods sorted deletion-first: unscheduled < scheduled; Pending < Unknown
 * < Running; not ready < ready; lower pod-deletion-cost first; more pods of
 * the same owner family (related) on the node first; ready more recently
 * first; more container restarts first; newer first. (Kubernetes'
 * LogarithmicScaleDown buckets of the last two are not applied: plain
 * recency decides.)
 */
export function sortPodsForDeletion<P extends Pod>(pods: readonly P[], related: readonly Pod[] = []): P[] {
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? "", (onNode.get(p.spec?.nodeName ?? "") ?? 0) + 1);
  const rank = (p: Pod) => onNode.get(p.spec?.nodeName ?? "") ?? 0;
  return [...pods].sort((a, b) => {
    const na = a.spec?.nodeName ?? "";
    const nb = b.spec?.nodeName ?? "";
    if (na !== nb && (!na || !nb)) return na ? 1 : -1;
    if (phaseOrdinal(a) !== phaseOrdinal(b)) return phaseOrdinal(a) - phaseOrdinal(b);
    const ra = isPodReady(a);
    if (ra !== isPodReady(b)) return ra ? 1 : -1;
    if (podDeletionCost(a) !== podDeletionCost(b)) return podDeletionCost(a) - podDeletionCost(b);
    if (rank(a) !== rank(b)) return rank(b) - rank(a);
    if (ra) {
      const t = laterFirst(podReadyTime(a), podReadyTime(b));
      if (t) return t;
    }
    if (maxContainerRestarts(a) !== maxContainerRestarts(b)) return maxContainerRestarts(b) - maxContainerRestarts(a);
    return laterFirst(timeMs(a.metadata.creationTimestamp), timeMs(b.metadata.creationTimestamp));
  });
}
