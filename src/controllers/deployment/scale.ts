/**
 * Scaling without a rollout (sync.go's scale): when spec.replicas changes,
 * or while paused, resize the one active ReplicaSet, or — mid-rollout —
 * spread the change over all active ReplicaSets in proportion to their
 * size, so the rollout's shape is kept.
 */
import { olderFirst } from "../common/order.js";
import type { ReplicaSet } from "../replicaset/types.js";
import { desiredReplicasOf, maxReplicasOf } from "./annotations.js";
import { isRollingUpdate, maxSurge } from "./fenceposts.js";
import { getNewReplicaSet } from "./new-replicaset.js";
import { activeReplicaSets, cleanupDeployment, scaleReplicaSet, scaleReplicaSetAndRecordEvent, specReplicas, splitReplicaSets } from "./replicasets.js";
import { syncDeploymentStatus } from "./status.js";
import type { Deployment, Pass, WorkingCopy } from "./types.js";

/** isScalingEvent: an active ReplicaSet was sized for another spec.replicas. */
export function isScalingEvent(p: Pass): boolean {
  const { newRS, oldRSs } = splitReplicaSets(p);
  return activeReplicaSets([...oldRSs, newRS]).some((rs) => {
    const desired = desiredReplicasOf(rs);
    return desired !== undefined && desired !== p.d.spec.replicas;
  });
}

/** sync: bring revisions up to date, scale, prune history while paused, write status. */
export async function syncScale(p: Pass): Promise<void> {
  await getNewReplicaSet(p, false);
  await scale(p);
  if (p.d.spec.paused) await cleanupDeployment(p);
  syncDeploymentStatus(p);
}

async function scale(p: Pass): Promise<void> {
  const { d } = p;
  const { newRS, oldRSs } = splitReplicaSets(p);
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    await scaleReplicaSetAndRecordEvent(p, activeOrLatest, d.spec.replicas);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const rs of activeReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(p, rs, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;

  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = d.spec.replicas > 0 ? d.spec.replicas + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(all);
  // Larger first; on a tie newer first when adding, older first when removing.
  if (toAdd !== 0) all.sort((a, b) => b.spec.replicas - a.spec.replicas || (toAdd > 0 ? olderFirst(b, a) : olderFirst(a, b)));
  let added = 0;
  const sizes = all.map((rs) => {
    const n = proportion(rs, d, toAdd, added);
    added += n;
    return rs.spec.replicas + n;
  });
  if (all.length && toAdd !== 0) sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  for (let i = 0; i < all.length; i++) await scaleReplicaSet(p, all[i], sizes[i]);
}

/** FindActiveOrLatest: the only active ReplicaSet, or with none active the newest; undefined with several active. */
function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  const active = activeReplicaSets([...oldRSs, newRS]);
  if (active.length === 1) return active[0];
  if (active.length > 1) return undefined;
  return newRS ?? [...oldRSs].sort(olderFirst).at(-1);
}

/** IsSaturated: the new ReplicaSet is sized for, and has available, all replicas. */
function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  return !!rs && rs.spec.replicas === d.spec.replicas && desiredReplicasOf(rs) === d.spec.replicas && (rs.status?.availableReplicas ?? 0) === d.spec.replicas;
}

/** GetProportion: this ReplicaSet's share of toAdd, never beyond what is left to add (or remove). */
function proportion(rs: ReplicaSet, d: WorkingCopy, toAdd: number, added: number): number {
  if (rs.spec.replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** getReplicaSetFraction: its size scaled from the Deployment's old max-replicas to the new one, minus its size. */
function replicaSetFraction(rs: ReplicaSet, d: WorkingCopy): number {
  if (d.spec.replicas === 0) return -rs.spec.replicas;
  const newMax = d.spec.replicas + maxSurge(d);
  let oldMax = maxReplicasOf(rs) ?? 0;
  if (oldMax === 0) oldMax = d.status.replicas ?? 0;
  if (oldMax === 0) return 0;
  return Math.round((rs.spec.replicas * newMax) / oldMax) - rs.spec.replicas;
}
