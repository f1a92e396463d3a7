/**
 * The HPA's replica calculator for Resource metrics (replica_calculator.go):
 * from the target's pods and their usage, the replica count that brings the
 * average back to target — desired = ceil(ready pods × current/target),
 * nothing within the 10% tolerance — with Kubernetes' care for pods that
 * cannot be measured: pending, unready (cpu only) or metric-less pods are
 * left out, then assumed idle on a scale-up and at target (at request for
 * utilization) on a scale-down, and a result that would flip direction is
 * dropped. Utilization and AverageValue targets share the procedure; only
 * how a set of samples compares to the target differs.
 */
import { toMilli } from "../../apimachinery/quantity.js";
import type { Pod } from "../common/pods.js";
import { timeMs } from "../common/time.js";

const TOLERANCE = 0.1;
/** --horizontal-pod-autoscaler-cpu-initialization-period and -initial-readiness-delay. */
const CPU_INITIALIZATION_PERIOD_MS = 300_000;
const INITIAL_READINESS_DELAY_MS = 30_000;

export type ResourceName = "cpu" | "memory";

export type Target = { utilization: number } | { averageMilli: number };

export interface Proposal {
  replicas: number;
  /** Percentage of request, for a Utilization target. */
  utilization?: number;
  /** Average usage per measured pod, in milli-units. */
  averageMilli: number;
}

const within = (ratio: number) => Math.abs(1 - ratio) <= TOLERANCE;

/** groupPods: which pods count, which are unready (or pending), which lack metrics, which are ignored. */
function groupPods(pods: Pod[], usage: Map<string, number>, resource: ResourceName, now: number) {
  let ready = 0;
  const unready = new Set<string>();
  const missing = new Set<string>();
  const ignored = new Set<string>();
  for (const pod of pods) {
    const name = pod.metadata.name ?? "";
    if (pod.metadata.deletionTimestamp || pod.status?.phase === "Failed") ignored.add(name);
    else if (pod.status?.phase === "Pending") unready.add(name);
    else if (!usage.has(name)) missing.add(name);
    else if (resource === "cpu" && cpuUnready(pod, now)) unready.add(name);
    else ready++;
  }
  return { ready, unready, missing, ignored };
}

/** A cpu sample is not trusted from a pod not yet ready, or still starting up. */
function cpuUnready(pod: Pod, now: number): boolean {
  const cond = pod.status?.conditions?.find((c) => c.type === "Ready");
  const start = timeMs(pod.status?.startTime);
  if (!cond || start === undefined) return true;
  if (start + CPU_INITIALIZATION_PERIOD_MS > now) return cond.status === "False";
  return cond.status === "False" && start + INITIAL_READINESS_DELAY_MS > (timeMs(cond.lastTransitionTime) ?? 0);
}

/** calculatePodRequests: each pod's summed container requests (sidecars included), in milli-units. */
function podRequests(pods: Pod[], resource: ResourceName): Map<string, number> {
  const requests = new Map<string, number>();
  for (const pod of pods) {
    const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === "Always")];
    let sum = 0;
    for (const c of containers) {
      const q = c.resources?.requests?.[resource];
      if (q === undefined) throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += Number(toMilli(q));
    }
    requests.set(pod.metadata.name ?? "", sum);
  }
  return requests;
}

/** How samples compare to the target: GetResourceUtilizationRatio or GetMetricUsageRatio, and the scale-down stand-in for a missing pod. */
function measureFor(pods: Pod[], resource: ResourceName, target: Target) {
  if ("averageMilli" in target) {
    return {
      measure(samples: Map<string, number>) {
        const average = Math.trunc([...samples.values()].reduce((a, b) => a + b, 0) / samples.size);
        return { ratio: average / target.averageMilli, averageMilli: average, utilization: undefined };
      },
      missingOnScaleDown: () => target.averageMilli,
      missingOnScaleUp: (ratio: number) => ratio >= 1,
    };
  }
  const requests = podRequests(pods, resource);
  return {
    measure(samples: Map<string, number>) {
      let used = 0;
      let requested = 0;
      let n = 0;
      for (const [pod, v] of samples) {
        if (!requests.has(pod)) continue;
        used += v;
        requested += requests.get(pod)!;
        n++;
      }
      if (requested === 0) throw new Error("no metrics returned matched known pods");
      const utilization = Math.trunc((used * 100) / requested);
      return { ratio: utilization / target.utilization, averageMilli: Math.trunc(used / n), utilization };
    },
    missingOnScaleDown: (pod: string) => Math.trunc((requests.get(pod)! * Math.max(100, target.utilization)) / 100),
    missingOnScaleUp: (ratio: number) => ratio > 1,
  };
}

/**
 * GetResourceReplicas / GetRawResourceReplicas. usage: pod name → usage in
 * milli-units (cpu millicores, memory bytes × 1000). Throws with
 * Kubernetes' messages when no replica count can be computed.
 */
export function calcReplicas(pods: Pod[], usage: Map<string, number>, resource: ResourceName, target: Target, currentReplicas: number, now: number): Proposal {
  if (!usage.size) throw new Error(`unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`);
  if (!pods.length) throw new Error("no pods returned by selector while calculating replica count");
  const { ready, unready, missing, ignored } = groupPods(pods, usage, resource, now);
  const samples = new Map([...usage].filter(([pod]) => !ignored.has(pod) && !unready.has(pod)));
  if (!samples.size) throw new Error("did not receive metrics for targeted pods (pods might be unready)");
  const { measure, missingOnScaleDown, missingOnScaleUp } = measureFor(pods, resource, target);
  const first = measure(samples);
  const proposal = (replicas: number): Proposal => ({ replicas, utilization: first.utilization, averageMilli: first.averageMilli });

  const scaleUpWithUnready = unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && !missing.size) return proposal(within(first.ratio) ? currentReplicas : Math.ceil(first.ratio * ready));

  for (const pod of missing) {
    if (first.ratio < 1) samples.set(pod, missingOnScaleDown(pod));
    else if (missingOnScaleUp(first.ratio)) samples.set(pod, 0);
  }
  if (scaleUpWithUnready) for (const pod of unready) samples.set(pod, 0);
  const second = measure(samples);
  if (within(second.ratio) || (first.ratio < 1 && second.ratio > 1) || (first.ratio > 1 && second.ratio < 1)) return proposal(currentReplicas);
  const replicas = Math.ceil(second.ratio * samples.size);
  if ((second.ratio < 1 && replicas > currentReplicas) || (second.ratio > 1 && replicas < currentReplicas)) return proposal(currentReplicas);
  return proposal(replicas);
}
