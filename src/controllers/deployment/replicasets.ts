/**
 * A Deployment's ReplicaSets (deploymentutil and the controller's sync.go):
 * which one is new (its template equals the Deployment's, ignoring
 * pod-template-hash), replica sums, scaling one with its ScalingReplicaSet
 * event, and deleting old ones beyond revisionHistoryLimit.
 */
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { isNotFound } from "../common/errors.js";
import { olderFirst } from "../common/order.js";
import { semanticEqual } from "../common/semantic.js";
import { REPLICASETS, type ReplicaSet } from "../replicaset/types.js";
import { POD_TEMPLATE_HASH, revisionOf, setReplicasAnnotations } from "./annotations.js";
import { MAX_INT32 } from "../../schemas/dsl.js";
import { maxSurge } from "./fenceposts.js";
import { track, type Deployment, type Pass } from "./types.js";

const withoutHash = (t: PodTemplateSpec | undefined): PodTemplateSpec => {
  const { [POD_TEMPLATE_HASH]: _, ...labels } = t?.metadata?.labels ?? {};
  return { ...t, metadata: { ...t?.metadata, labels } };
};

/** deploymentutil.EqualIgnoreHash (semantic equality). */
export const equalIgnoreHash = (a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean => semanticEqual(withoutHash(a), withoutHash(b));

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
const findNewReplicaSet = (d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined =>
  [...rsList].sort(olderFirst).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));

/** The new ReplicaSet and all the others (FindOldReplicaSets' second list). */
export function splitReplicaSets(p: Pass): { newRS?: ReplicaSet; oldRSs: ReplicaSet[] } {
  const newRS = findNewReplicaSet(p.d, p.rsList);
  return { newRS, oldRSs: p.rsList.filter((rs) => rs !== newRS) };
}

/** FilterActiveReplicaSets: those with spec.replicas > 0. */
export const activeReplicaSets = (list: readonly (ReplicaSet | undefined)[]): ReplicaSet[] => list.filter((rs): rs is ReplicaSet => !!rs && rs.spec.replicas > 0);

const sum = (list: readonly (ReplicaSet | undefined)[], f: (rs: ReplicaSet) => number | undefined) => list.reduce((n, rs) => n + (rs ? f(rs) ?? 0 : 0), 0);
/** GetReplicaCountForReplicaSets: desired (spec) replicas. */
export const specReplicas = (list: readonly (ReplicaSet | undefined)[]) => sum(list, (rs) => rs.spec.replicas);
/** GetActualReplicaCountForReplicaSets: status replicas. */
export const actualReplicas = (list: readonly (ReplicaSet | undefined)[]) => sum(list, (rs) => rs.status?.replicas);
export const readyReplicas = (list: readonly (ReplicaSet | undefined)[]) => sum(list, (rs) => rs.status?.readyReplicas);
export const availableReplicas = (list: readonly (ReplicaSet | undefined)[]) => sum(list, (rs) => rs.status?.availableReplicas);

/**
 * scaleReplicaSet: set spec.replicas and the replica annotations; records
 * "Scaled up replica set web-abc to 3 from 0" when the size changed.
 * Whether the size changed.
 */
export async function scaleReplicaSet(p: Pass, rs: ReplicaSet, replicas: number): Promise<boolean> {
  const copy = structuredClone(rs);
  copy.spec.replicas = replicas;
  const annotationsChanged = setReplicasAnnotations(copy, p.d.spec.replicas, p.d.spec.replicas + maxSurge(p.d));
  const sizeChanged = rs.spec.replicas !== replicas;
  if (!sizeChanged && !annotationsChanged) return false;
  const updated = track(p, (await p.ctx.client.update(REPLICASETS, copy)) as ReplicaSet);
  if (sizeChanged) {
    const direction = rs.spec.replicas < replicas ? "up" : "down";
    p.ctx.recorder.event(p.d, "Normal", "ScalingReplicaSet", `Scaled ${direction} replica set ${updated.metadata.name} to ${replicas} from ${rs.spec.replicas}`);
  }
  return sizeChanged;
}

/** scaleReplicaSetAndRecordEvent: only when the size differs. */
export const scaleReplicaSetAndRecordEvent = (p: Pass, rs: ReplicaSet, replicas: number): Promise<boolean> =>
  rs.spec.replicas === replicas ? Promise.resolve(false) : scaleReplicaSet(p, rs, replicas);

/** ReplicaSetsByRevision: lowest revision first, then oldest. */
const byRevision = (a: ReplicaSet, b: ReplicaSet) => {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  return ra === undefined || rb === undefined || ra === rb ? olderFirst(a, b) : ra - rb;
};

/** deploymentutil.HasRevisionHistoryLimit. */
const hasRevisionHistoryLimit = (d: Deployment): boolean => d.spec.revisionHistoryLimit !== undefined && d.spec.revisionHistoryLimit !== MAX_INT32;

/**
 * cleanupDeployment: delete the oldest old ReplicaSets beyond
 * revisionHistoryLimit, only those fully scaled down and observed so.
 */
export async function cleanupDeployment(p: Pass): Promise<void> {
  if (!hasRevisionHistoryLimit(p.d)) return;
  const cleanable = splitReplicaSets(p).oldRSs.filter((rs) => !rs.metadata.deletionTimestamp).sort(byRevision);
  const diff = cleanable.length - (p.d.spec.revisionHistoryLimit ?? 0);
  for (const rs of cleanable.slice(0, Math.max(0, diff))) {
    if ((rs.status?.replicas ?? 0) !== 0 || rs.spec.replicas !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    try {
      await p.ctx.client.delete(REPLICASETS, rs.metadata.namespace ?? "", rs.metadata.name ?? "");
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    p.rsList = p.rsList.filter((x) => x !== rs);
  }
}
