/**
 * manageReplicas of Kubernetes' ReplicaSet controller: create the missing
 * pods (slow-start batches, at most a burst per pass) or delete the surplus,
 * least useful first. Returns the active pods as they are after the writes,
 * so status is computed on what now exists.
 */
import type { ReconcileContext } from "../types.js";
import { createPod, deletePod } from "../common/pod-control.js";
import { sortPodsForDeletion } from "../common/pod-ranking.js";
import { controllerRefOf, ownerSelector } from "../common/owner-refs.js";
import { isNamespaceTerminating } from "../common/errors.js";
import { SLOW_START_INITIAL_BATCH, slowStartBatch } from "../common/slow-start.js";
import type { Pod } from "../common/pods.js";
import { REPLICASETS, type ReplicaSet } from "./types.js";

/** Kubernetes' BurstReplicas: the most pods created or deleted in one pass. */
export const BURST_REPLICAS = 500;

export interface ManageResult {
  pods: Pod[];
  /** The first failed write, if any. */
  error?: unknown;
  /** More remains to do than one burst allowed. */
  more: boolean;
}

export async function manageReplicas(ctx: ReconcileContext, rs: ReplicaSet, pods: Pod[]): Promise<ManageResult> {
  const diff = pods.length - rs.spec.replicas;
  if (diff < 0) {
    const n = Math.min(-diff, BURST_REPLICAS);
    const created: Pod[] = [];
    const { error } = await slowStartBatch(n, SLOW_START_INITIAL_BATCH, async () => {
      try {
        created.push(await createPod(ctx, rs.spec.template, rs));
      } catch (e) {
        if (!isNamespaceTerminating(e)) throw e;
      }
    });
    return { pods: [...pods, ...created], error, more: -diff > n };
  }
  if (diff > 0) {
    const n = Math.min(diff, BURST_REPLICAS);
    const victims = n < pods.length ? sortPodsForDeletion(pods, relatedPods(ctx, rs)).slice(0, n) : pods;
    const results = await Promise.allSettled(victims.map((p) => deletePod(ctx, p, rs)));
    const gone = new Set(victims.filter((_, i) => results[i].status === "fulfilled").map((p) => p.metadata.uid));
    const error = results.find((r): r is PromiseRejectedResult => r.status === "rejected")?.reason;
    return { pods: pods.filter((p) => !gone.has(p.metadata.uid)), error, more: diff > n };
  }
  return { pods, more: false };
}

/**
 * getIndirectlyRelatedPods: the pods of every ReplicaSet with the same
 * controller as rs (a Deployment's old and new ReplicaSets), for ranking
 * victims by how crowded their node is. None for a ReplicaSet of its own.
 */
function relatedPods(ctx: ReconcileContext, rs: ReplicaSet): Pod[] {
  const ref = controllerRefOf(rs);
  if (!ref) return [];
  const pods = ctx.lister.list("pods", rs.metadata.namespace ?? "") as Pod[];
  const siblings = ctx.lister.ownedBy(REPLICASETS, ref.uid).filter((o) => controllerRefOf(o)?.uid === ref.uid);
  const seen = new Set<string>();
  const out: Pod[] = [];
  for (const sib of siblings) {
    const selector = ownerSelector(sib);
    for (const p of pods) {
      if (seen.has(p.metadata.uid ?? "") || !selector(p.metadata.labels)) continue;
      seen.add(p.metadata.uid ?? "");
      out.push(p);
    }
  }
  return out;
}
