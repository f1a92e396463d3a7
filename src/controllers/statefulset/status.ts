/**
 * StatefulSet status from its pods (computeReplicaStatus and
 * completeRollingUpdate): counts by readiness, availability and revision;
 * the current revision catches up once every pod is updated and ready.
 */
import type { StatefulSetStatus } from "kubernetes-types/apps/v1";
import { REVISION_LABEL, type StatefulSetObject } from "./identity.js";
import { availableInMs, isPodReady, type Pod } from "../common/pods.js";

const runningAndReady = (p: Pod) => p.status?.phase === "Running" && isPodReady(p);

/** isHealthy: running, ready and not on its way out. */
export const healthy = (p: Pod) => runningAndReady(p) && !p.metadata.deletionTimestamp;

export function computeStatus(
  set: StatefulSetObject,
  pods: Pod[],
  rev: { current: string; update: string },
  now: number,
): { status: StatefulSetStatus; requeueAfterMs?: number } {
  let [ready, available, current, updated] = [0, 0, 0, 0];
  let requeueAfterMs: number | undefined;
  for (const p of pods) {
    if (runningAndReady(p)) {
      ready++;
      const wait = availableInMs(p, set.spec.minReadySeconds, now);
      if (wait === 0) available++;
      else if (wait !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? wait, wait);
    }
    if (p.metadata.deletionTimestamp) continue;
    const r = p.metadata.labels?.[REVISION_LABEL];
    if (r === rev.current) current++;
    if (r === rev.update) updated++;
  }
  let currentRevision = rev.current;
  if (set.spec.updateStrategy?.type === "RollingUpdate" && updated === pods.length && ready === pods.length) {
    current = updated;
    currentRevision = rev.update;
  }
  const status: StatefulSetStatus = {
    observedGeneration: set.metadata.generation,
    replicas: pods.length,
    readyReplicas: ready,
    currentReplicas: current,
    updatedReplicas: updated,
    availableReplicas: available,
    currentRevision,
    updateRevision: rev.update,
    collisionCount: 0,
  };
  return { status, requeueAfterMs };
}

/** StatefulSetStatus fields Go writes even at zero (no omitempty). */
export const STATUS_KEEP = ["replicas", "availableReplicas", "collisionCount"];
