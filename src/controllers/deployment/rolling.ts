/**
 * The RollingUpdate strategy (rolling.go): scale the new ReplicaSet up as
 * far as maxSurge allows, else scale old ones down as far as maxUnavailable
 * allows (unhealthy pods first), one step per pass; once complete, prune
 * old ReplicaSets beyond the history limit.
 */
import { olderFirst } from "../common/order.js";
import type { ReplicaSet } from "../replicaset/types.js";
import { maxUnavailable } from "./fenceposts.js";
import { getNewReplicaSet, newRSNewReplicas } from "./new-replicaset.js";
import { activeReplicaSets, availableReplicas, cleanupDeployment, scaleReplicaSetAndRecordEvent, specReplicas, splitReplicaSets } from "./replicasets.js";
import { deploymentComplete, syncRolloutStatus } from "./status.js";
import type { Pass } from "./types.js";

export async function rolloutRolling(p: Pass): Promise<void> {
  const newRS = await getNewReplicaSet(p, true);
  if ((await reconcileNewReplicaSet(p, newRS)) || (await reconcileOldReplicaSets(p))) return syncRolloutStatus(p);
  if (deploymentComplete(p.d, p.d.status)) await cleanupDeployment(p);
  syncRolloutStatus(p);
}

async function reconcileNewReplicaSet(p: Pass, newRS: ReplicaSet): Promise<boolean> {
  const want = p.d.spec.replicas;
  if (newRS.spec.replicas === want) return false;
  if (newRS.spec.replicas > want) return scaleReplicaSetAndRecordEvent(p, newRS, want);
  return scaleReplicaSetAndRecordEvent(p, newRS, newRSNewReplicas(p.d, p.rsList, newRS));
}

/**
 * Scale old ReplicaSets down by at most
 * allPods - minAvailable - newRSUnavailable: first their unavailable
 * replicas, then available ones while more than minAvailable are available.
 */
async function reconcileOldReplicaSets(p: Pass): Promise<boolean> {
  const { newRS, oldRSs } = splitReplicaSets(p);
  if (!newRS || specReplicas(activeReplicaSets(oldRSs)) === 0) return false;
  const minAvailable = p.d.spec.replicas - maxUnavailable(p.d);
  const newRSUnavailable = newRS.spec.replicas - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicas(p.rsList) - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(p, maxScaledDown);
  if (cleaned === undefined) return false;
  return cleaned + (await scaleDownOldReplicaSets(p, minAvailable)) > 0;
}

/**
 * Scale each old ReplicaSet (oldest first) down by its unavailable
 * replicas, up to maxCleanup in all. undefined when a ReplicaSet reports
 * more available replicas than it wants (its status lags a scale-down):
 * Kubernetes then skips this step until the status catches up.
 */
async function cleanupUnhealthyReplicas(p: Pass, maxCleanup: number): Promise<number | undefined> {
  let total = 0;
  for (const rs of activeReplicaSets(splitReplicaSets(p).oldRSs).sort(olderFirst)) {
    if (total >= maxCleanup) break;
    const unhealthy = rs.spec.replicas - (rs.status?.availableReplicas ?? 0);
    if (unhealthy === 0) continue;
    const n = Math.min(maxCleanup - total, unhealthy);
    if (n < 0) return undefined;
    await scaleReplicaSetAndRecordEvent(p, rs, rs.spec.replicas - n);
    total += n;
  }
  return total;
}

/** scaleDownOldReplicaSetsForRollingUpdate: remove available old pods beyond minAvailable, oldest ReplicaSet first. */
async function scaleDownOldReplicaSets(p: Pass, minAvailable: number): Promise<number> {
  const { newRS, oldRSs } = splitReplicaSets(p);
  const active = activeReplicaSets(oldRSs).sort(olderFirst);
  const available = availableReplicas([...active, newRS]);
  if (available <= minAvailable) return 0;
  const want = available - minAvailable;
  let total = 0;
  for (const rs of active) {
    if (total >= want) break;
    const n = Math.min(rs.spec.replicas, want - total);
    await scaleReplicaSetAndRecordEvent(p, rs, rs.spec.replicas - n);
    total += n;
  }
  return total;
}
