/**
 * The ReplicaSet controller of kube-controller-manager (and, the same
 * logic over a label-map selector, its ReplicationController manager): keeps
 * spec.replicas active pods of the template. Each pass claims pods by
 * selector and controllerRef (adopting orphans, releasing pods that stopped
 * matching), creates or deletes the difference, and writes status; terminal
 * and terminating pods count as gone and are replaced.
 */
import type { Controller, ObjectKey, ReconcileContext, ReconcileResult } from "../types.js";
import { claim, ownerOrSelector, ownerSelector } from "../common/owner-refs.js";
import { isPodActive, type Pod } from "../common/pods.js";
import { statusChanged } from "../common/status.js";
import { manageReplicas } from "./manage.js";
import { calculateStatus, nextAvailableInMs, RS_STATUS_KEEP } from "./status.js";
import { REPLICASETS, type ReplicaSet } from "./types.js";

/** The controller for a kind of this shape: ReplicaSets, and ReplicationControllers (as Kubernetes runs them). */
function replicasController(name: string, component: string, kind: string, resource: string): Controller {
  return {
    name,
    component,
    primary: resource,
    watches: [{ resource: "pods", map: ownerOrSelector(kind, resource) }],
    reconcile: (key, ctx) => reconcileReplicas(resource, key, ctx),
  };
}

export const replicaSetController = replicasController("replicaset", "replicaset-controller", "ReplicaSet", REPLICASETS);
export const replicationControllerController = replicasController("replicationcontroller", "replication-controller", "ReplicationController", "replicationcontrollers");

async function reconcileReplicas(resource: string, key: ObjectKey, ctx: ReconcileContext): Promise<ReconcileResult | void> {
  const rs = ctx.lister.get(resource, key.namespace, key.name) as ReplicaSet | undefined;
  if (!rs) return;
  const active = (ctx.lister.claimable("pods", key.namespace, rs.metadata.uid ?? "") as Pod[]).filter(isPodActive);
  let pods = await claim(ctx, "pods", rs, ownerSelector(rs), active);
  const diff = pods.length - rs.spec.replicas;
  let error: unknown;
  let more = false;
  if (!rs.metadata.deletionTimestamp) ({ pods, error, more } = await manageReplicas(ctx, rs, pods));

  const now = ctx.now();
  const status = calculateStatus(rs, pods, diff, error, now);
  if (statusChanged(rs.status, status, RS_STATUS_KEEP)) await ctx.client.updateStatus(resource, { ...rs, status });
  if (error !== undefined) throw error;
  if (more) return { requeueAfterMs: 0 };
  const wait = nextAvailableInMs(rs, pods, now);
  return wait === undefined ? undefined : { requeueAfterMs: wait };
}
