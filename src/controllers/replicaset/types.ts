/** The ReplicaSet shape the ReplicaSet and Deployment controllers read and write. */
import type { ReplicaSetSpec, ReplicaSetStatus } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import type { KObject } from "../../registry/types.js";

/** spec.replicas and the template are always set once stored (defaults and validation). */
export type ReplicaSet = KObject & { spec: ReplicaSetSpec & { replicas: number; template: PodTemplateSpec }; status?: ReplicaSetStatus };

export const REPLICASETS = "replicasets.apps";
