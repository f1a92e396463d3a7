/**
 * Deployment status (the controller's progress.go and sync.go): counts
 * summed over the ReplicaSets, the Available condition, and — during
 * rollouts — the Progressing condition with its deadline, which decides
 * when to look again.
 */
import type { DeploymentStatus } from "kubernetes-types/apps/v1";
import { getCondition, removeCondition, setCondition } from "../common/conditions.js";
import { omitEmpty } from "../common/status.js";
import { timeMs } from "../common/time.js";
import type { ReplicaSet } from "../replicaset/types.js";
import { deploymentCondition, hasProgressDeadline, Reason } from "./conditions.js";
import { maxUnavailable } from "./fenceposts.js";
import { actualReplicas, availableReplicas, readyReplicas, specReplicas, splitReplicaSets } from "./replicasets.js";
import type { Deployment, Pass, WorkingCopy } from "./types.js";

/** calculateStatus. */
function calculateStatus(p: Pass): DeploymentStatus {
  const { d } = p;
  const { newRS, oldRSs } = splitReplicaSets(p);
  const all = [...oldRSs, newRS];
  const available = availableReplicas(all);
  const min = d.spec.replicas - maxUnavailable(d);
  const now = p.ctx.now();
  const availability =
    available >= min
      ? deploymentCondition("Available", "True", Reason.MinimumReplicasAvailable, "Deployment has minimum availability.", now)
      : deploymentCondition("Available", "False", Reason.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now);
  return omitEmpty({
    observedGeneration: d.metadata.generation,
    replicas: actualReplicas(all),
    updatedReplicas: actualReplicas([newRS]),
    readyReplicas: readyReplicas(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(all) - available),
    collisionCount: d.status.collisionCount,
    conditions: setCondition(d.status.conditions, availability),
  });
}

/** deploymentutil.DeploymentComplete. */
export const deploymentComplete = (d: Deployment, s: DeploymentStatus): boolean =>
  (s.updatedReplicas ?? 0) === d.spec.replicas &&
  (s.replicas ?? 0) === d.spec.replicas &&
  (s.availableReplicas ?? 0) === d.spec.replicas &&
  (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);

/** deploymentutil.DeploymentProgressing: more updated, ready or available pods, or fewer old ones. */
function deploymentProgressing(d: WorkingCopy, s: DeploymentStatus): boolean {
  const o = d.status;
  const n = (x: number | undefined) => x ?? 0;
  return (
    n(s.updatedReplicas) > n(o.updatedReplicas) ||
    n(s.replicas) - n(s.updatedReplicas) < n(o.replicas) - n(o.updatedReplicas) ||
    n(s.readyReplicas) > n(o.readyReplicas) ||
    n(s.availableReplicas) > n(o.availableReplicas)
  );
}

/** deploymentutil.DeploymentTimedOut. */
function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s.conditions, "Progressing");
  if (!c || c.reason === Reason.NewRSAvailable) return false;
  if (c.reason === Reason.TimedOut) return true;
  return (timeMs(c.lastUpdateTime) ?? 0) + (d.spec.progressDeadlineSeconds ?? 0) * 1000 < now;
}

/** syncDeploymentStatus: counts and availability, no progress estimate (scaling, paused). */
export function syncDeploymentStatus(p: Pass): void {
  p.d.status = calculateStatus(p);
}

/** syncRolloutStatus: as syncDeploymentStatus, plus Progressing and ReplicaFailure. */
export function syncRolloutStatus(p: Pass): void {
  const { d } = p;
  const now = p.ctx.now();
  const { newRS, oldRSs } = splitReplicaSets(p);
  const s = calculateStatus(p);
  if (!hasProgressDeadline(d)) s.conditions = removeCondition(s.conditions, "Progressing");
  const current = getCondition(d.status.conditions, "Progressing");
  const complete = (s.replicas ?? 0) === (s.updatedReplicas ?? 0) && current?.reason === Reason.NewRSAvailable;
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (hasProgressDeadline(d) && !complete) {
    if (deploymentComplete(d, s)) {
      s.conditions = setCondition(s.conditions, deploymentCondition("Progressing", "True", Reason.NewRSAvailable, `${subject} has successfully progressed.`, now));
    } else if (deploymentProgressing(d, s)) {
      const c = deploymentCondition("Progressing", "True", Reason.ReplicaSetUpdated, `${subject} is progressing.`, now);
      if (current?.status === "True") c.lastTransitionTime = current.lastTransitionTime;
      s.conditions = setCondition(removeCondition(s.conditions, "Progressing"), c);
    } else if (deploymentTimedOut(d, s, now)) {
      s.conditions = setCondition(s.conditions, deploymentCondition("Progressing", "False", Reason.TimedOut, `${subject} has timed out progressing.`, now));
    }
  }
  const failure = replicaFailure(newRS, oldRSs);
  s.conditions = failure ? setCondition(s.conditions, failure) : removeCondition(s.conditions, "ReplicaFailure");
  d.status = omitEmpty(s);
  p.requeueAfterMs = progressCheckAfterMs(d, now);
}

/** getReplicaFailures: the new ReplicaSet's ReplicaFailure condition, else an old one's. */
function replicaFailure(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]) {
  for (const rs of [newRS, ...oldRSs]) {
    const c = getCondition(rs?.status?.conditions, "ReplicaFailure");
    if (c) return { type: c.type, status: c.status, lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime, reason: c.reason, message: c.message };
  }
  return undefined;
}

/**
 * requeueStuckDeployment: while a rollout with a deadline is under way,
 * look again when the deadline would pass (plus a second for clock skew).
 */
function progressCheckAfterMs(d: WorkingCopy, now: number): number | undefined {
  const c = getCondition(d.status.conditions, "Progressing");
  if (!hasProgressDeadline(d) || !c || deploymentComplete(d, d.status) || c.reason === Reason.TimedOut) return undefined;
  const after = (timeMs(c.lastUpdateTime) ?? now) + (d.spec.progressDeadlineSeconds ?? 0) * 1000 - now;
  return Math.max(after, 0) + 1000;
}
