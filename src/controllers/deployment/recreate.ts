/**
 * The Recreate strategy (recreate.go): scale every old ReplicaSet to 0,
 * wait until none of their pods is left (terminating ones included), and
 * only then create or scale up the new ReplicaSet.
 */
import { isControlledBy, ownerSelector } from "../common/owner-refs.js";
import type { Pod } from "../common/pods.js";
import type { ReplicaSet } from "../replicaset/types.js";
import { getNewReplicaSet } from "./new-replicaset.js";
import { activeReplicaSets, actualReplicas, cleanupDeployment, scaleReplicaSetAndRecordEvent, splitReplicaSets } from "./replicasets.js";
import { deploymentComplete, syncRolloutStatus } from "./status.js";
import type { Pass } from "./types.js";

export async function rolloutRecreate(p: Pass): Promise<void> {
  let newRS = await getNewReplicaSet(p, false);
  let scaledDown = false;
  for (const rs of activeReplicaSets(splitReplicaSets(p).oldRSs)) if (await scaleReplicaSetAndRecordEvent(p, rs, 0)) scaledDown = true;
  if (scaledDown || oldPodsRunning(p, newRS)) return syncRolloutStatus(p);
  newRS ??= await getNewReplicaSet(p, true);
  await scaleReplicaSetAndRecordEvent(p, newRS, p.d.spec.replicas);
  if (deploymentComplete(p.d, p.d.status)) await cleanupDeployment(p);
  syncRolloutStatus(p);
}

/** Whether an old ReplicaSet still reports pods, or any non-terminal pod of one exists. */
function oldPodsRunning(p: Pass, newRS: ReplicaSet | undefined): boolean {
  const { oldRSs } = splitReplicaSets(p);
  if (actualReplicas(oldRSs) > 0) return true;
  const selector = ownerSelector(p.d);
  const pods = p.ctx.lister.list("pods", p.d.metadata.namespace ?? "") as Pod[];
  return pods.some(
    (pod) =>
      selector(pod.metadata.labels) &&
      pod.status?.phase !== "Succeeded" &&
      pod.status?.phase !== "Failed" &&
      oldRSs.some((rs) => isControlledBy(pod, rs)) &&
      !(newRS && isControlledBy(pod, newRS)),
  );
}
