/**
 * computeReplicasForMetrics for Resource metrics: the target's pods (by its
 * selector), their usage from the metrics source, and for every metric of
 * the HPA a replica proposal and a status; the largest proposal wins. It
 * sets ScalingActive and records the events Kubernetes records when a
 * metric cannot be computed, with the same messages.
 */
import type { MetricSpec, MetricStatus } from "kubernetes-types/autoscaling/v2";
import { formatQuantity, newMilliQuantity, toMilli } from "../../apimachinery/quantity.js";
import { selectorFromLabelSelector, type LabelSelector } from "../../apimachinery/selectors/labels.js";
import type { KObject } from "../../registry/types.js";
import type { Pod } from "../common/pods.js";
import type { ReconcileContext } from "../types.js";
import { calcReplicas, type Proposal, type ResourceName } from "./replicas.js";

/** One pod's usage, as a metrics.k8s.io PodMetrics reports it (summed over containers). */
export interface PodUsage {
  cpuMilli: number;
  memoryBytes: number;
}
export type MetricsSource = (namespace: string, pod: string) => Promise<PodUsage | undefined>;

export interface MetricsResult {
  /** -1: no replica count could be computed (error says why). */
  replicas: number;
  metric: string;
  statuses: MetricStatus[];
  error?: string;
}

export type SetActive = (status: boolean, reason: string, message: string) => void;

/** One Resource metric: a proposal, the metric's name for messages, its status. */
function resourceMetric(spec: MetricSpec, pods: Pod[], usage: Map<string, PodUsage>, currentReplicas: number, now: number) {
  const resource = spec.resource!;
  const name = resource.name as ResourceName;
  if (name !== "cpu" && name !== "memory") throw new Error(`failed to get ${name} utilization: unable to get metrics for resource ${name}: no metrics returned from resource metrics API`);
  const samples = new Map([...usage].map(([pod, u]) => [pod, name === "cpu" ? u.cpuMilli : u.memoryBytes * 1000]));
  const run = (what: string, target: Parameters<typeof calcReplicas>[3]): Proposal => {
    try {
      return calcReplicas(pods, samples, name, target, currentReplicas, now);
    } catch (e) {
      throw new Error(`failed to get ${name} ${what}: ${(e as Error).message}`);
    }
  };
  const averageValue = (p: Proposal) => formatQuantity(newMilliQuantity(p.averageMilli));
  if (resource.target.averageValue !== undefined) {
    const p = run("usage", { averageMilli: Number(toMilli(resource.target.averageValue)) });
    return { replicas: p.replicas, metric: `${name} resource`, status: { type: "Resource", resource: { name, current: { averageValue: averageValue(p) } } } };
  }
  if (resource.target.averageUtilization === undefined) throw new Error("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set");
  const p = run("utilization", { utilization: resource.target.averageUtilization });
  return {
    replicas: p.replicas,
    metric: `${name} resource utilization (percentage of request)`,
    status: { type: "Resource", resource: { name, current: { averageUtilization: p.utilization, averageValue: averageValue(p) } } },
  };
}

export async function computeReplicasForMetrics(hpa: KObject, target: KObject, currentReplicas: number, source: MetricsSource, ctx: ReconcileContext, setActive: SetActive): Promise<MetricsResult> {
  const failed = (error: string): MetricsResult => ({ replicas: -1, metric: "", statuses: [], error });
  const namespace = hpa.metadata.namespace ?? "";
  const selectorSpec = (target.spec as { selector?: LabelSelector } | undefined)?.selector;
  if (!selectorSpec) {
    ctx.recorder.event(hpa, "Warning", "SelectorRequired", "selector is required");
    setActive(false, "InvalidSelector", "the HPA target's scale is missing a selector");
    return failed("selector is required");
  }
  let selector;
  try {
    selector = selectorFromLabelSelector(selectorSpec);
  } catch (e) {
    const msg = `couldn't convert selector into a corresponding internal selector object: ${(e as Error).message}`;
    ctx.recorder.event(hpa, "Warning", "InvalidSelector", msg);
    setActive(false, "InvalidSelector", msg);
    return failed(msg);
  }
  const pods: Pod[] = ctx.lister.list("pods", namespace).filter((p) => selector(p.metadata.labels));
  const usage = new Map<string, PodUsage>();
  await Promise.all(
    pods.map(async (p) => {
      const u = await source(namespace, p.metadata.name ?? "");
      if (u) usage.set(p.metadata.name ?? "", u);
    }),
  );

  const specs = ((hpa.spec as { metrics?: MetricSpec[] } | undefined)?.metrics ?? []) as MetricSpec[];
  if (!specs.length) {
    setActive(false, "InvalidMetricSourceType", "the HPA was unable to compute the replica count: no metrics specified");
    return failed("no metrics specified");
  }
  const result: MetricsResult = { replicas: 0, metric: "", statuses: [] };
  let invalid = 0;
  let firstError = "";
  let firstCondition: [string, string] = ["", ""];
  for (const spec of specs) {
    try {
      if (spec.type !== "Resource" || !spec.resource) throw new Error(`unsupported metric source type "${spec.type}"`);
      const r = resourceMetric(spec, pods, usage, currentReplicas, ctx.now());
      result.statuses.push(r.status);
      if (result.replicas === 0 || r.replicas > result.replicas) Object.assign(result, { replicas: r.replicas, metric: r.metric });
    } catch (e) {
      const msg = (e as Error).message;
      const reason = spec.type === "Resource" ? "FailedGetResourceMetric" : "InvalidMetricSourceType";
      ctx.recorder.event(hpa, "Warning", reason, msg);
      if (!invalid++) {
        firstError = spec.type === "Resource" ? `failed to get ${spec.resource?.name} resource metric value: ${msg}` : msg;
        firstCondition = [reason, `the HPA was unable to compute the replica count: ${msg}`];
      }
    }
  }
  if (invalid) result.error = `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${firstError}`;
  // All invalid, or some invalid and the rest would scale down: do nothing.
  if (invalid >= specs.length || (invalid > 0 && result.replicas < currentReplicas)) {
    setActive(false, ...firstCondition);
    return { ...result, replicas: -1 };
  }
  setActive(true, "ValidMetricFound", `the HPA was able to successfully calculate a replica count from ${result.metric}`);
  return result;
}
