/**
 * The Deployment shape the controller works on, and the state of one
 * reconcile pass: the Deployment being changed in memory (status
 * conditions, collisionCount, the revision annotation) until it is
 * persisted, and its ReplicaSets kept current as the pass writes them.
 */
import type { DeploymentSpec, DeploymentStatus } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import type { KObject } from "../../registry/types.js";
import type { ReconcileContext } from "../types.js";
import type { ReplicaSet } from "../replicaset/types.js";

/** replicas, selector, template, strategy, revisionHistoryLimit and progressDeadlineSeconds are set once stored (defaults and validation). */
export type Deployment = KObject & {
  spec: DeploymentSpec & { replicas: number; selector: LabelSelector; template: PodTemplateSpec };
  status?: DeploymentStatus;
};

/** A pass's copy of the Deployment: always with a status to build on. */
export type WorkingCopy = Deployment & { status: DeploymentStatus };

export const DEPLOYMENTS = "deployments.apps";

export interface Pass {
  ctx: ReconcileContext;
  /** The Deployment as read (or as last persisted). */
  stored: Deployment;
  d: WorkingCopy;
  /** The ReplicaSets the Deployment controls, current with this pass's writes. */
  rsList: ReplicaSet[];
  /** When to look again (the progress deadline check). */
  requeueAfterMs?: number;
}

/** Put a written ReplicaSet in place of its stale copy. */
export function track(p: Pass, rs: ReplicaSet): ReplicaSet {
  const i = p.rsList.findIndex((x) => x.metadata.uid === rs.metadata.uid);
  if (i < 0) p.rsList.push(rs);
  else p.rsList[i] = rs;
  return rs;
}
