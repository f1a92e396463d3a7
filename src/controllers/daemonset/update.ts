/**
 * DaemonSet RollingUpdate (rollingUpdate with maxSurge 0): replace pods whose
 * controller-revision-hash is not the template's, deleting old available
 * pods only while fewer than maxUnavailable nodes lack an available
 * up-to-date pod; old pods that are unavailable anyway go at once. The
 * manage pass then creates their replacements.
 */
import { scaledValue } from "../common/intstr.js";
import { isPodAvailable, type Pod } from "../common/pods.js";
import { REVISION_LABEL, type DaemonSet, type NodeView } from "./nodes.js";

/** updatedDesiredNodeCounts' maxUnavailable: scaled against the desired count, at least 1 when anything is desired. */
function maxUnavailable(ds: DaemonSet, desired: number): number {
  const n = scaledValue(ds.spec.updateStrategy?.rollingUpdate?.maxUnavailable ?? 1, desired, true);
  return desired > 0 && n === 0 ? 1 : n;
}

export function podsToReplace(ds: DaemonSet, hash: string, views: NodeView[], now: number): Pod[] {
  const available = (p: Pod) => isPodAvailable(p, ds.spec.minReadySeconds, now);
  const max = maxUnavailable(ds, views.filter((v) => v.shouldRun).length);
  let unavailable = 0;
  const replace: Pod[] = [];
  const candidates: Pod[] = [];
  for (const v of views) {
    if (!v.shouldRun && !v.pods.length) continue;
    const live = v.pods.filter((p) => !p.metadata.deletionTimestamp);
    const fresh = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] === hash);
    const old = live.filter((p) => p.metadata.labels?.[REVISION_LABEL] !== hash);
    if (fresh.length > 1 || old.length > 1 || fresh.length === old.length) {
      unavailable++; // missing, or more than one pod: manage sorts the node out
    } else if (fresh.length) {
      if (!available(fresh[0])) unavailable++;
    } else if (!available(old[0])) {
      replace.push(old[0]);
    } else if (unavailable < max) {
      candidates.push(old[0]);
    }
  }
  return [...replace, ...candidates.slice(0, Math.max(0, max - unavailable))];
}
