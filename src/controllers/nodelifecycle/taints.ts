/**
 * The pure half of node lifecycle: which taints a node's conditions call for
 * (TaintNodesByCondition and the NoExecute not-ready/unreachable taints) and
 * when a pod on a NoExecute-tainted node must be evicted (the taint
 * manager's toleration arithmetic, with the DefaultTolerationSeconds
 * admission's tolerations assumed for pods that lack them).
 */
import type { Node, Taint, Toleration } from "kubernetes-types/core/v1";
import type { Pod } from "../common/pods.js";
import { timeMs } from "../common/time.js";

const NOT_READY_TAINT = "node.kubernetes.io/not-ready";
const UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";
const UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable";

/** nodeConditionToTaintKeyStatusMap: condition type and status → NoSchedule taint. */
const CONDITION_TAINTS: [string, string, string][] = [
  ["Ready", "False", NOT_READY_TAINT],
  ["Ready", "Unknown", UNREACHABLE_TAINT],
  ["MemoryPressure", "True", "node.kubernetes.io/memory-pressure"],
  ["DiskPressure", "True", "node.kubernetes.io/disk-pressure"],
  ["NetworkUnavailable", "True", "node.kubernetes.io/network-unavailable"],
  ["PIDPressure", "True", "node.kubernetes.io/pid-pressure"],
];
const OWNED_NO_SCHEDULE = new Set([...CONDITION_TAINTS.map(([, , key]) => key), UNSCHEDULABLE_TAINT]);
const OWNED_NO_EXECUTE = new Set([NOT_READY_TAINT, UNREACHABLE_TAINT]);

export const conditionStatus = (node: Node, type: string) => node.status?.conditions?.find((c) => c.type === type)?.status;

const owned = (t: Taint) => (t.effect === "NoSchedule" ? OWNED_NO_SCHEDULE : t.effect === "NoExecute" ? OWNED_NO_EXECUTE : new Set<string>()).has(t.key);

/**
 * The node's taints as they should be: other taints kept in place, the
 * controller's own added (NoExecute ones stamped with timeAdded) or removed,
 * those already present kept as they are. Without a Ready condition yet,
 * the NoExecute taints are left as they are.
 */
export function desiredTaints(node: Node, nowRfc3339: string): Taint[] {
  const current = node.spec?.taints ?? [];
  const noSchedule = new Set(CONDITION_TAINTS.filter(([type, status]) => conditionStatus(node, type) === status).map(([, , key]) => key));
  if (node.spec?.unschedulable) noSchedule.add(UNSCHEDULABLE_TAINT);
  const ready = conditionStatus(node, "Ready");
  const noExecute = new Set(
    ready === undefined ? current.filter((t) => t.effect === "NoExecute" && owned(t)).map((t) => t.key) : ready === "False" ? [NOT_READY_TAINT] : ready === "Unknown" ? [UNREACHABLE_TAINT] : [],
  );
  const want = (t: Taint) => (t.effect === "NoSchedule" ? noSchedule : noExecute).has(t.key);
  const out = current.filter((t) => !owned(t) || want(t));
  const has = (key: string, effect: string) => out.some((t) => t.key === key && t.effect === effect);
  for (const key of noSchedule) if (!has(key, "NoSchedule")) out.push({ key, effect: "NoSchedule" });
  for (const key of noExecute) if (!has(key, "NoExecute")) out.push({ key, effect: "NoExecute", timeAdded: nowRfc3339 });
  return out;
}

export const isNotReadyTaint = (t: Taint) => t.effect === "NoExecute" && OWNED_NO_EXECUTE.has(t.key);

/** Toleration.ToleratesTaint. */
function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.operator || t.operator === "Equal") return (t.value ?? "") === (taint.value ?? "");
  return t.operator === "Exists";
}

/**
 * The DefaultTolerationSeconds admission plugin: a pod with no toleration
 * of not-ready or unreachable NoExecute taints tolerates them for the
 * default eviction time (300 s in Kubernetes).
 */
function withDefaultTolerations(tolerations: Toleration[], defaultMs: number): { toleration: Toleration; ms?: number }[] {
  const out = tolerations.map((toleration) => ({ toleration, ms: toleration.tolerationSeconds === undefined ? undefined : toleration.tolerationSeconds * 1000 }));
  for (const key of [NOT_READY_TAINT, UNREACHABLE_TAINT]) {
    const covered = tolerations.some((t) => (!t.key || t.key === key) && (!t.effect || t.effect === "NoExecute"));
    if (!covered) out.push({ toleration: { key, operator: "Exists", effect: "NoExecute" }, ms: defaultMs });
  }
  return out;
}

/**
 * When a pod on a node with these taints is to be evicted, in ms since the
 * epoch: 0 (at once) if it does not tolerate one of the NoExecute taints,
 * undefined if it tolerates them all for ever, else the smallest
 * tolerationSeconds of the tolerations used, counted from when it became
 * subject to them: the earliest NoExecute taint's timeAdded, or the pod's
 * creation if later.
 */
export function evictionTime(pod: Pod, taints: Taint[], defaultTolerationMs: number): number | undefined {
  const noExecute = taints.filter((t) => t.effect === "NoExecute");
  if (!noExecute.length) return undefined;
  const tolerations = withDefaultTolerations(pod.spec?.tolerations ?? [], defaultTolerationMs);
  let min: number | undefined;
  for (const taint of noExecute) {
    const used = tolerations.filter((t) => tolerates(t.toleration, taint));
    if (!used.length) return 0;
    for (const t of used) if (t.ms !== undefined) min = Math.min(min ?? Infinity, Math.max(t.ms, 0));
  }
  if (min === undefined) return undefined;
  const added = noExecute.flatMap((t) => timeMs(t.timeAdded) ?? []);
  const start = Math.max(added.length ? Math.min(...added) : 0, timeMs(pod.metadata.creationTimestamp) ?? 0);
  return start + min;
}
