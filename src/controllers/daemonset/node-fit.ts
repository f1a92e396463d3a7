/**
 * Whether a DaemonSet's pod belongs on a node, as the DaemonSet controller
 * decides it (NodeShouldRunDaemonPod): the template's nodeName, nodeSelector
 * and required node affinity must match, and its tolerations — with the ones
 * Kubernetes adds to every daemon pod — must cover the node's NoSchedule and
 * NoExecute taints. An untolerated NoSchedule taint only stops new pods.
 */
import type { NodeSelectorTerm, NodeSpec, PodSpec, Toleration } from "kubernetes-types/core/v1";
import { requiredNodeAffinity } from "../../scheduler/node-selector.js";
import { untoleratedTaint } from "../../scheduler/plugins/taint-toleration.js";

/** What AddOrUpdateDaemonPodTolerations gives every daemon pod. */
const DAEMON_TOLERATIONS: Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
];
const HOST_NETWORK_TOLERATION: Toleration = { key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" };

const sameToleration = (a: Toleration, b: Toleration) =>
  (a.key ?? "") === (b.key ?? "") && (a.operator ?? "Equal") === (b.operator ?? "Equal") && (a.value ?? "") === (b.value ?? "") && (a.effect ?? "") === (b.effect ?? "");

/** The template's tolerations plus the daemon defaults it lacks. */
export function daemonTolerations(spec: PodSpec): Toleration[] {
  const out = [...(spec.tolerations ?? [])];
  const extra = spec.hostNetwork ? [...DAEMON_TOLERATIONS, HOST_NETWORK_TOLERATION] : DAEMON_TOLERATIONS;
  for (const t of extra) if (!out.some((o) => sameToleration(o, t))) out.push(t);
  return out;
}

export interface Placement {
  /** A new daemon pod should be created here. */
  shouldRun: boolean;
  /** An existing daemon pod may stay here. */
  shouldContinueRunning: boolean;
}

/** NodeShouldRunDaemonPod for a template spec whose tolerations are already daemonTolerations(). */
export function placement(spec: PodSpec, node: { metadata: { name?: string; labels?: Record<string, string> }; spec?: NodeSpec }): Placement {
  const name = node.metadata.name ?? "";
  const affinity = requiredNodeAffinity(spec);
  if ((spec.nodeName && spec.nodeName !== name) || (affinity && !affinity(node.metadata.labels ?? {}, name))) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints ?? [];
  const tolerations = spec.tolerations ?? [];
  if (!untoleratedTaint(taints, tolerations)) return { shouldRun: true, shouldContinueRunning: true };
  return { shouldRun: false, shouldContinueRunning: !untoleratedTaint(taints.filter((t) => t.effect === "NoExecute"), tolerations) };
}

/** The node a daemon pod is for: spec.nodeName once bound, else the one its affinity pins (GetTargetNodeName). */
export function targetNode(spec: PodSpec): string | undefined {
  if (spec.nodeName) return spec.nodeName;
  for (const t of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    const f = (t.matchFields ?? []).find((r) => r.key === "metadata.name" && r.operator === "In" && r.values?.length === 1);
    if (f) return f.values![0];
  }
  return undefined;
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: pin a pod to one node through required node affinity, for the scheduler to bind. */
export function pinToNode(spec: PodSpec, node: string): void {
  const term: NodeSelectorTerm = { matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] };
  const affinity = (spec.affinity ??= {});
  const nodeAffinity = (affinity.nodeAffinity ??= {});
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
}
