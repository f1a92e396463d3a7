/**
 * ReplicaSet status as Kubernetes' calculateStatus computes it from the
 * active pods: replicas, fullyLabeledReplicas, readyReplicas,
 * availableReplicas, observedGeneration, and a ReplicaFailure condition
 * while creating or deleting pods fails.
 */
import type { ReplicaSetCondition, ReplicaSetStatus } from "kubernetes-types/apps/v1";
import { selectorFromSet } from "../../apimachinery/selectors/labels.js";
import { getCondition, removeCondition, setCondition } from "../common/conditions.js";
import { errorMessage } from "../common/errors.js";
import { availableInMs, isPodAvailable, isPodReady, type Pod } from "../common/pods.js";
import { omitEmpty } from "../common/status.js";
import { rfc3339 } from "../common/time.js";
import type { ReplicaSet } from "./types.js";

/** ReplicaSetStatus.replicas has no omitempty. */
export const RS_STATUS_KEEP = ["replicas"] as const;

/**
 * diff is the pod count minus the desired count before the writes: it names
 * the failure (FailedCreate or FailedDelete) when manageError is set.
 */
export function calculateStatus(rs: ReplicaSet, pods: readonly Pod[], diff: number, manageError: unknown, now: number): ReplicaSetStatus {
  const templateLabels = selectorFromSet(rs.spec.template.metadata?.labels);
  const minReady = rs.spec.minReadySeconds;
  let conditions = rs.status?.conditions;
  const failure = getCondition(conditions, "ReplicaFailure");
  if (manageError !== undefined && !failure) {
    const reason = diff < 0 ? "FailedCreate" : diff > 0 ? "FailedDelete" : "";
    const c: ReplicaSetCondition = { type: "ReplicaFailure", status: "True", lastTransitionTime: rfc3339(now), reason, message: errorMessage(manageError) };
    conditions = setCondition(conditions, c);
  } else if (manageError === undefined && failure) {
    conditions = removeCondition(conditions, "ReplicaFailure");
  }
  return omitEmpty(
    {
      ...rs.status,
      replicas: pods.length,
      fullyLabeledReplicas: pods.filter((p) => templateLabels(p.metadata.labels)).length,
      readyReplicas: pods.filter(isPodReady).length,
      availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
      observedGeneration: rs.metadata.generation,
      conditions,
    },
    RS_STATUS_KEEP,
  );
}

/** When the next ready pod turns available (ms from now), for a requeue; undefined when none is waiting. */
export function nextAvailableInMs(rs: ReplicaSet, pods: readonly Pod[], now: number): number | undefined {
  const waits = pods.map((p) => availableInMs(p, rs.spec.minReadySeconds, now)).filter((ms): ms is number => !!ms);
  return waits.length ? Math.min(...waits) : undefined;
}
