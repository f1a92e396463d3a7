/**
 * The annotations a Deployment keeps its history in (deployment/util):
 * deployment.kubernetes.io/revision on the Deployment and its ReplicaSets,
 * revision-history on a ReplicaSet rolled back to, and desired-replicas /
 * max-replicas on ReplicaSets for proportional scaling.
 */
import type { KObject } from "../../registry/types.js";
import type { ReplicaSet } from "../replicaset/types.js";
import type { Deployment } from "./types.js";

export const REVISION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
/** apps.DefaultDeploymentUniqueLabelKey. */
export const POD_TEMPLATE_HASH = "pod-template-hash";

/** How long revision-history may grow (maxRevHistoryLengthInChars). */
const MAX_REVISION_HISTORY_CHARS = 2000;

/** Never copied from a Deployment to its ReplicaSets. */
const SKIP_COPY = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  "deprecated.deployment.rollback.to",
]);

const intAnnotation = (o: KObject, key: string): number | undefined => {
  const v = o.metadata.annotations?.[key];
  return v !== undefined && /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
};

/** deploymentutil.Revision; undefined when missing or not a number. */
export const revisionOf = (o: KObject): number | undefined => intAnnotation(o, REVISION);
export const desiredReplicasOf = (rs: ReplicaSet): number | undefined => intAnnotation(rs, DESIRED_REPLICAS);
export const maxReplicasOf = (rs: ReplicaSet): number | undefined => intAnnotation(rs, MAX_REPLICAS);

/** deploymentutil.MaxRevision: 0 when no ReplicaSet has one. */
export const maxRevision = (rsList: readonly ReplicaSet[]): number => Math.max(0, ...rsList.map((rs) => revisionOf(rs) ?? 0));

const annotations = (o: KObject) => (o.metadata.annotations ??= {});

/** SetReplicasAnnotations: whether anything changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = annotations(rs);
  if (a[DESIRED_REPLICAS] === String(desired) && a[MAX_REPLICAS] === String(max)) return false;
  a[DESIRED_REPLICAS] = String(desired);
  a[MAX_REPLICAS] = String(max);
  return true;
}

/** SetDeploymentRevision: whether it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = annotations(d);
  if (a[REVISION] === revision) return false;
  a[REVISION] = revision;
  return true;
}

/**
 * SetNewReplicaSetAnnotations: copy the Deployment's own annotations, raise
 * the revision to newRevision (keeping the one it had in revision-history:
 * a rollback), and on a ReplicaSet about to be created set the replica
 * annotations. Whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: number, exists: boolean, maxSurge: number): boolean {
  const a = annotations(rs);
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIP_COPY.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const old = a[REVISION];
  const oldRevision = old === undefined || old === "" ? 0 : /^[+-]?\d+$/.test(old) ? Number(old) : undefined;
  if (oldRevision === undefined) return false;
  if (oldRevision < newRevision) {
    a[REVISION] = String(newRevision);
    changed = true;
    if (old !== undefined) appendRevisionHistory(a, old);
  }
  if (!exists && setReplicasAnnotations(rs, d.spec.replicas, d.spec.replicas + maxSurge)) changed = true;
  return changed;
}

function appendRevisionHistory(a: Record<string, string>, oldRevision: string): void {
  const history = a[REVISION_HISTORY] ?? "";
  if (!history) {
    a[REVISION_HISTORY] = oldRevision;
    return;
  }
  const revs = history.split(",");
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > MAX_REVISION_HISTORY_CHARS && start < revs.length) total -= revs[start++].length + 1;
  if (total <= MAX_REVISION_HISTORY_CHARS) a[REVISION_HISTORY] = [...revs.slice(start), oldRevision].join(",");
}
