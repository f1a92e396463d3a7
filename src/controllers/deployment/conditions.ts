/**
 * Deployment conditions: the reasons the Deployment controller writes
 * (deploymentutil) and how it builds a condition, so `kubectl rollout
 * status` and `kubectl describe` read what they expect.
 */
import type { DeploymentCondition } from "kubernetes-types/apps/v1";
import { setCondition } from "../common/conditions.js";
import { rfc3339 } from "../common/time.js";
import { MAX_INT32 } from "../../schemas/dsl.js";
import type { Deployment, WorkingCopy } from "./types.js";

export const Reason = {
  NewRSCreated: "NewReplicaSetCreated",
  FoundNewRS: "FoundNewReplicaSet",
  ReplicaSetUpdated: "ReplicaSetUpdated",
  NewRSAvailable: "NewReplicaSetAvailable",
  TimedOut: "ProgressDeadlineExceeded",
  Paused: "DeploymentPaused",
  Resumed: "DeploymentResumed",
  FailedRSCreate: "ReplicaSetCreateError",
  MinimumReplicasAvailable: "MinimumReplicasAvailable",
  MinimumReplicasUnavailable: "MinimumReplicasUnavailable",
} as const;


/** deploymentutil.HasProgressDeadline. */
/** A deadline of MaxInt32 means none. */
export const hasProgressDeadline = (d: Deployment): boolean => d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== MAX_INT32;

/** NewDeploymentCondition: both times now. */
export function deploymentCondition(type: string, status: string, reason: string, message: string, now: number): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** SetDeploymentCondition on the working copy's status. */
export function setDeploymentCondition(d: WorkingCopy, c: DeploymentCondition): void {
  d.status.conditions = setCondition(d.status.conditions, c);
}
