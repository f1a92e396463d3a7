/**
 * NodeReady: a node whose Ready condition is not True takes no new pods,
 * except those that tolerate it. Kubernetes does this with taints the node
 * lifecycle controller derives from conditions (TaintNodesByCondition) and
 * the TaintToleration filter; Edgeplane derives the same NoSchedule taints
 * here when the cache reads a node, so a DaemonSet pod that tolerates
 * node.kubernetes.io/not-ready still lands on a NotReady node, and others
 * see "node(s) had untolerated taint {node.kubernetes.io/not-ready: }" as on
 * a real cluster. A node without a Ready condition yet is not tainted.
 */
import type { Node, Taint } from "kubernetes-types/core/v1";

/** nodeConditionToTaintKeyStatusMap of the node lifecycle controller. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: "node.kubernetes.io/not-ready", Unknown: "node.kubernetes.io/unreachable" },
  MemoryPressure: { True: "node.kubernetes.io/memory-pressure" },
  DiskPressure: { True: "node.kubernetes.io/disk-pressure" },
  PIDPressure: { True: "node.kubernetes.io/pid-pressure" },
  NetworkUnavailable: { True: "node.kubernetes.io/network-unavailable" },
};

/** spec.taints plus the NoSchedule taints the node's conditions imply (unless already there). */
export function effectiveTaints(node: Node): Taint[] {
  const taints = node.spec?.taints ?? [];
  const extra: Taint[] = [];
  for (const c of node.status?.conditions ?? []) {
    const byStatus = Object.hasOwn(CONDITION_TAINTS, c.type) ? CONDITION_TAINTS[c.type] : undefined;
    const key = byStatus && Object.hasOwn(byStatus, c.status) ? byStatus[c.status] : undefined;
    if (key && !taints.some((t) => t.key === key && t.effect === "NoSchedule")) extra.push({ key, effect: "NoSchedule" });
  }
  return extra.length ? [...taints, ...extra] : taints;
}
