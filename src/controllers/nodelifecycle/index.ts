/**
 * The node lifecycle controller: notices nodes whose agent stopped
 * heartbeating (their kube-node-lease Lease, or Ready's lastHeartbeatTime,
 * older than the grace period) and marks their conditions Unknown; keeps
 * the condition taints (not-ready / unreachable NoExecute and NoSchedule,
 * pressure and unschedulable NoSchedule) in step with the conditions; marks
 * the pods of a node that is not ready NotReady; and evicts pods from
 * NoExecute-tainted nodes once they no longer tolerate the taints.
 *
 * Eviction is a graceful delete, as in Kubernetes: a ReplicaSet replaces a
 * terminating pod at once. Unlike Kubernetes, which leaves such pods
 * Terminating until the node returns, a pod whose deletion deadline has
 * passed while its node is still unreachable is then force-deleted (grace
 * 0), so it does not linger and StatefulSets can replace it too. Pods bound
 * to a node that no longer exists are force-deleted as the pod GC does.
 */
import type { Lease } from "kubernetes-types/coordination/v1";
import type { Node, NodeCondition, PodCondition } from "kubernetes-types/core/v1";
import { deepEqual } from "../../apimachinery/objects.js";
import type { KObject } from "../../registry/types.js";
import type { Pod } from "../common/pods.js";
import { rfc3339, timeMs } from "../common/time.js";
import type { Controller, KeyMapper, ReconcileContext } from "../types.js";
import { conditionStatus, desiredTaints, evictionTime, isNotReadyTaint } from "./taints.js";

export interface NodeLifecycleOptions {
  /** How long a node may go without a heartbeat before it is Unknown (node-monitor-grace-period, 40 s). */
  gracePeriodMs?: number;
  /** Toleration assumed for not-ready/unreachable taints by pods without one (default-not-ready-toleration-seconds, 300 s). */
  defaultEvictionMs?: number;
}

const LEASE_NAMESPACE = "kube-node-lease";
const asNode = (o: KObject) => o as unknown as Node;

/** The conditions a silent node's agent can no longer vouch for (NetworkUnavailable is the network's). */
const AGENT_CONDITIONS = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"];

/** tryUpdateNodeHealth for a node past its grace period: every agent condition Unknown. */
function unknownConditions(node: Node, now: string): NodeCondition[] {
  const conditions = structuredClone(node.status?.conditions ?? []);
  for (const type of AGENT_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({ type, status: "Unknown", reason: "NodeStatusNeverUpdated", message: "Kubelet never posted node status.", lastHeartbeatTime: node.metadata?.creationTimestamp, lastTransitionTime: now });
    } else if (c.status !== "Unknown") {
      Object.assign(c, { status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: now });
    }
  }
  return conditions;
}

const isTroubled = (node: Node) => {
  const ready = conditionStatus(node, "Ready");
  return ready === "False" || ready === "Unknown";
};
const hasNoExecute = (node: Node) => (node.spec?.taints ?? []).some((t) => t.effect === "NoExecute");

/** A pod change concerns its node only when that node is gone, not ready, or tainted NoExecute. */
const podToNode: KeyMapper = (o, lister) => {
  const name = (o as Pod).spec?.nodeName;
  if (!name) return [];
  const node = lister.get("nodes", "", name);
  return !node || isTroubled(asNode(node)) || hasNoExecute(asNode(node)) ? [{ namespace: "", name }] : [];
};

/** The pod with this condition set (lastTransitionTime now), written through its status. */
async function withCondition(pod: Pod, c: PodCondition, ctx: ReconcileContext): Promise<Pod> {
  const set = { ...c, lastTransitionTime: rfc3339(ctx.now()) };
  const old = pod.status?.conditions ?? [];
  const conditions = old.some((x) => x.type === c.type) ? old.map((x) => (x.type === c.type ? set : x)) : [...old, set];
  return (await ctx.client.updateStatus("pods", { ...pod, status: { ...pod.status, conditions } })) as Pod;
}

/** MarkPodsNotReady for one pod: a ready pod on a node that is not ready is not ready either. */
async function markNotReady(pod: Pod, ctx: ReconcileContext): Promise<Pod> {
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status !== "True") return pod;
  const p = await withCondition(pod, { ...ready, status: "False" }, ctx);
  ctx.recorder.event(p, "Warning", "NodeNotReady", "Node is not ready");
  return p;
}

export function nodeLifecycleController(opts: NodeLifecycleOptions = {}): Controller {
  const gracePeriodMs = opts.gracePeriodMs ?? 40_000;
  const defaultEvictionMs = opts.defaultEvictionMs ?? 300_000;

  /** Pods bound to a node that is gone: force-deleted once past the grace period (the pod GC's quarantine). */
  async function collectOrphans(nodeName: string, ctx: ReconcileContext): Promise<number | undefined> {
    let next: number | undefined;
    for (const p of ctx.lister.onNode(nodeName) as Pod[]) {
      const due = (timeMs(p.metadata.creationTimestamp) ?? 0) + gracePeriodMs;
      if (ctx.now() >= due) await ctx.client.delete("pods", p.metadata.namespace ?? "", p.metadata.name ?? "", { gracePeriodSeconds: 0 });
      else next = Math.min(next ?? Infinity, due);
    }
    return next;
  }

  /** MarkPodsNotReady, taint-based eviction and the force-delete of pods stuck on an unreachable node; returns the next deadline. */
  async function syncPods(node: Node, ctx: ReconcileContext): Promise<number | undefined> {
    const now = ctx.now();
    const unreachable = conditionStatus(node, "Ready") === "Unknown";
    let next: number | undefined;
    for (const pod of ctx.lister.onNode(node.metadata?.name ?? "") as Pod[]) {
      const ns = pod.metadata.namespace ?? "";
      const name = pod.metadata.name ?? "";
      if (pod.metadata.deletionTimestamp) {
        const due = timeMs(pod.metadata.deletionTimestamp) ?? 0;
        if (!unreachable) continue;
        if (now >= due) await ctx.client.delete("pods", ns, name, { gracePeriodSeconds: 0 });
        else next = Math.min(next ?? Infinity, due);
        continue;
      }
      let p = isTroubled(node) ? await markNotReady(pod, ctx) : pod;
      const at = evictionTime(pod, node.spec?.taints ?? [], defaultEvictionMs);
      if (at === undefined) continue;
      if (now < at) {
        next = Math.min(next ?? Infinity, at);
        continue;
      }
      p = await withCondition(p, { type: "DisruptionTarget", status: "True", reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint" }, ctx);
      ctx.recorder.event(p, "Normal", "TaintManagerEviction", `Marking for deletion Pod ${ns}/${name}`);
      await ctx.client.delete("pods", ns, name);
    }
    return next;
  }

  return {
    name: "nodelifecycle",
    component: "node-controller",
    primary: "nodes",
    watches: [
      { resource: "leases.coordination.k8s.io", map: (l) => (l.metadata.namespace === LEASE_NAMESPACE ? [{ namespace: "", name: l.metadata.name ?? "" }] : []) },
      { resource: "pods", map: podToNode },
    ],
    async reconcile(key, ctx) {
      const now = ctx.now();
      let obj = ctx.lister.get("nodes", "", key.name);
      const deadlines: (number | undefined)[] = [];
      if (!obj) deadlines.push(await collectOrphans(key.name, ctx));
      else {
        const lease = ctx.lister.get("leases.coordination.k8s.io", LEASE_NAMESPACE, key.name) as unknown as Lease | undefined;
        const node = asNode(obj);
        const ready = node.status?.conditions?.find((c) => c.type === "Ready");
        const heartbeat = Math.max(...[lease?.spec?.renewTime, ready?.lastHeartbeatTime, node.metadata?.creationTimestamp].map((t) => timeMs(t) ?? 0));
        if (now - heartbeat > gracePeriodMs) {
          const conditions = unknownConditions(node, rfc3339(now));
          if (!deepEqual(conditions, node.status?.conditions)) obj = await ctx.client.updateStatus("nodes", { ...obj, status: { ...node.status, conditions } });
        } else deadlines.push(heartbeat + gracePeriodMs + 1);

        const before = asNode(obj).spec?.taints ?? [];
        const taints = desiredTaints(asNode(obj), rfc3339(now));
        if (!deepEqual(taints, before)) {
          const { taints: _, ...spec } = asNode(obj).spec ?? {};
          obj = await ctx.client.update("nodes", { ...obj, spec: taints.length ? { ...spec, taints } : spec });
          if (taints.some(isNotReadyTaint) && !before.some(isNotReadyTaint)) {
            ctx.recorder.event(obj, "Normal", "NodeNotReady", `Node ${key.name} status is now: NodeNotReady`);
          }
        }
        if (isTroubled(asNode(obj)) || hasNoExecute(asNode(obj))) deadlines.push(await syncPods(asNode(obj), ctx));
      }
      const next = Math.min(...deadlines.map((d) => d ?? Infinity));
      return Number.isFinite(next) ? { requeueAfterMs: Math.max(next - now, 1) } : undefined;
    },
  };
}
