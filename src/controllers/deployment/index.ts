/**
 * The Deployment controller of kube-controller-manager: rolls a pod
 * template out through ReplicaSets. Each pass claims the ReplicaSets the
 * selector matches, then — paused or on a change of spec.replicas — only
 * scales; otherwise it moves the rollout one step by its strategy
 * (RollingUpdate or Recreate), and writes the revision and status
 * `kubectl rollout status` reads.
 */
import { keyOf, type Controller, type KeyMapper } from "../types.js";
import { claim, controllerRefOf, ownerOrSelector, ownerSelector } from "../common/owner-refs.js";
import { getCondition } from "../common/conditions.js";
import { REPLICASETS, type ReplicaSet } from "../replicaset/types.js";
import { deploymentCondition, hasProgressDeadline, Reason, setDeploymentCondition } from "./conditions.js";
import { getNewReplicaSet } from "./new-replicaset.js";
import { persist } from "./persist.js";
import { rolloutRecreate } from "./recreate.js";
import { rolloutRolling } from "./rolling.js";
import { isScalingEvent, syncScale } from "./scale.js";
import { syncDeploymentStatus } from "./status.js";
import { DEPLOYMENTS, type Deployment, type Pass } from "./types.js";

/** Pods matter only to Recreate, which waits for the old ones to be gone: map a pod to its ReplicaSet's Recreate Deployment. */
const podToRecreateDeployment: KeyMapper = (pod, lister) => {
  const ns = pod.metadata.namespace ?? "";
  const rsRef = controllerRefOf(pod);
  const rs = rsRef?.kind === "ReplicaSet" ? lister.get(REPLICASETS, ns, rsRef.name) : undefined;
  const dRef = rs && controllerRefOf(rs);
  const d = dRef?.kind === "Deployment" ? (lister.get(DEPLOYMENTS, ns, dRef.name) as Deployment | undefined) : undefined;
  return d?.spec.strategy?.type === "Recreate" ? [keyOf(d)] : [];
};

/** checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed, unless it timed out. */
function checkPausedConditions(p: Pass): void {
  const { d } = p;
  if (!hasProgressDeadline(d)) return;
  const c = getCondition(d.status.conditions, "Progressing");
  if (c?.reason === Reason.TimedOut) return;
  const pausedCond = c?.reason === Reason.Paused;
  if (d.spec.paused && !pausedCond) setDeploymentCondition(d, deploymentCondition("Progressing", "Unknown", Reason.Paused, "Deployment is paused", p.ctx.now()));
  else if (!d.spec.paused && pausedCond) setDeploymentCondition(d, deploymentCondition("Progressing", "Unknown", Reason.Resumed, "Deployment is resumed", p.ctx.now()));
}

export const deploymentController: Controller = {
  name: "deployment",
  primary: DEPLOYMENTS,
  watches: [
    { resource: REPLICASETS, map: ownerOrSelector("Deployment", DEPLOYMENTS) },
    { resource: "pods", map: podToRecreateDeployment },
  ],

  async reconcile(key, ctx) {
    const stored = ctx.lister.get(DEPLOYMENTS, key.namespace, key.name) as Deployment | undefined;
    if (!stored) return;
    const d = { ...structuredClone(stored), status: stored.status ? structuredClone(stored.status) : {} };
    const candidates = ctx.lister.claimable(REPLICASETS, key.namespace, stored.metadata.uid ?? "") as ReplicaSet[];
    const p: Pass = { ctx, stored, d, rsList: await claim(ctx, REPLICASETS, d, ownerSelector(d), candidates) };

    if (d.metadata.deletionTimestamp) {
      await getNewReplicaSet(p, false);
      syncDeploymentStatus(p);
    } else {
      checkPausedConditions(p);
      if (d.spec.paused || isScalingEvent(p)) await syncScale(p);
      else if (d.spec.strategy?.type === "Recreate") await rolloutRecreate(p);
      else await rolloutRolling(p);
    }
    await persist(p);
    return p.requeueAfterMs === undefined ? undefined : { requeueAfterMs: p.requeueAfterMs };
  },
};
