/**
 * HorizontalPodAutoscaler between autoscaling/v1 (what `kubectl autoscale`
 * sends, in every kubectl) and autoscaling/v2 (how it is stored), as
 * Kubernetes converts it (pkg/apis/autoscaling/v1/conversion.go): v1 has only
 * targetCPUUtilizationPercentage, so every other metric, the behavior, the
 * current metrics and the conditions travel in annotations and come back
 * from them, and an object read and written back through v1 loses nothing.
 * Both directions also take partial objects (server-side apply configurations):
 * a field absent on one side stays absent on the other.
 */
import type { KObject } from "../../types.js";

export const METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";
export const CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics";
export const CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";
export const BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior";
const ROUND_TRIP = [METRICS_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION, BEHAVIOR_ANNOTATION];

type J = Record<string, any>;

/** "target" in a MetricSpec, "current" in a MetricStatus: v2's nested key and v1's field prefix alike. */
type Side = "target" | "current";
const prefixed = (side: Side, field: string) => side + field[0].toUpperCase() + field.slice(1);

/** A v2 target or current value → v1's flat fields (averageUtilization only where v1 has it). */
function flatValues(t: J | undefined, side: Side, utilization = true): J {
  return {
    [prefixed(side, "averageUtilization")]: utilization ? t?.averageUtilization : undefined,
    [prefixed(side, "averageValue")]: t?.averageValue,
  };
}

/** v1's target or current value of an Object or External metric → v2's (a spec's target names its type). */
function valueOf(side: Side, value: unknown, averageValue: unknown): J {
  if (side === "current") return { value, averageValue };
  return value !== undefined ? { type: "Value", value } : { type: "AverageValue", averageValue };
}

function metricDown(m: J, side: Side): J {
  switch (m.type) {
    case "Resource":
      return { type: m.type, resource: { name: m.resource?.name, ...flatValues(m.resource?.[side], side) } };
    case "ContainerResource":
      return { type: m.type, containerResource: { name: m.containerResource?.name, container: m.containerResource?.container, ...flatValues(m.containerResource?.[side], side) } };
    case "Pods":
      return { type: m.type, pods: { metricName: m.pods?.metric?.name, selector: m.pods?.metric?.selector, ...flatValues(m.pods?.[side], side, false) } };
    case "Object": {
      const t = m.object?.[side] ?? {};
      return { type: m.type, object: { target: m.object?.describedObject, metricName: m.object?.metric?.name, selector: m.object?.metric?.selector, [`${side}Value`]: t.value, averageValue: t.averageValue } };
    }
    case "External": {
      const t = m.external?.[side] ?? {};
      return { type: m.type, external: { metricName: m.external?.metric?.name, metricSelector: m.external?.metric?.selector, [`${side}Value`]: t.value, [prefixed(side, "averageValue")]: t.averageValue } };
    }
  }
  return m;
}

/** A v1 MetricSpec or MetricStatus back into v2's shape. */
function metricUp(m: J, side: Side): J {
  const average = (x: J, utilization: boolean): J => {
    const util = utilization ? x[prefixed(side, "averageUtilization")] : undefined;
    const avg = x[prefixed(side, "averageValue")];
    if (side === "current") return { averageUtilization: util, averageValue: avg };
    return util !== undefined ? { type: "Utilization", averageUtilization: util } : { type: "AverageValue", averageValue: avg };
  };
  switch (m.type) {
    case "Resource":
      return { type: m.type, resource: { name: m.resource?.name, [side]: average(m.resource ?? {}, true) } };
    case "ContainerResource":
      return { type: m.type, containerResource: { name: m.containerResource?.name, container: m.containerResource?.container, [side]: average(m.containerResource ?? {}, true) } };
    case "Pods":
      return { type: m.type, pods: { metric: { name: m.pods?.metricName, selector: m.pods?.selector }, [side]: average(m.pods ?? {}, false) } };
    case "Object": {
      const o = m.object ?? {};
      return { type: m.type, object: { describedObject: o.target, metric: { name: o.metricName, selector: o.selector }, [side]: valueOf(side, o[`${side}Value`], o.averageValue) } };
    }
    case "External": {
      const e = m.external ?? {};
      return { type: m.type, external: { metric: { name: e.metricName, selector: e.metricSelector }, [side]: valueOf(side, e[`${side}Value`], e[prefixed(side, "averageValue")]) } };
    }
  }
  return m;
}

const isCpu = (m: J, side: Side) => m.type === "Resource" && m.resource?.name === "cpu" && m.resource?.[side]?.averageUtilization !== undefined;

function parsed(annotations: Record<string, string>, key: string): unknown {
  if (annotations[key] === undefined) return undefined;
  try {
    return JSON.parse(annotations[key]);
  } catch {
    return undefined;
  }
}

/** The annotations without the round-trip ones (those that did not parse stay, as data the user wrote). */
function withoutRoundTrip(annotations: Record<string, string> | undefined, keep: (k: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => !ROUND_TRIP.includes(k) || keep(k)));
}

const orUndefined = (a: Record<string, string>) => (Object.keys(a).length ? a : undefined);

/** autoscaling/v2 (stored) → autoscaling/v1. */
export function hpaToV1(o: KObject): KObject {
  const spec = o.spec as J | undefined;
  const status = o.status as J | undefined;
  const annotations = withoutRoundTrip(o.metadata?.annotations, () => false);
  let v1spec: J | undefined;
  if (spec) {
    const metrics = (spec.metrics ?? []) as J[];
    const cpu = metrics.find((m) => isCpu(m, "target"));
    const others = metrics.filter((m) => m !== cpu).map((m) => metricDown(m, "target"));
    if (others.length) annotations[METRICS_ANNOTATION] = JSON.stringify(others);
    if (spec.behavior) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(spec.behavior);
    v1spec = { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, targetCPUUtilizationPercentage: cpu?.resource.target.averageUtilization };
  }
  let v1status: J | undefined;
  if (status) {
    const current = (status.currentMetrics ?? []) as J[];
    if (current.length) annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(current.map((m) => metricDown(m, "current")));
    if (status.conditions?.length) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(status.conditions);
    v1status = {
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: current.find((m) => isCpu(m, "current"))?.resource.current.averageUtilization,
    };
  }
  return { ...o, apiVersion: "autoscaling/v1", metadata: { ...o.metadata, annotations: orUndefined(annotations) }, spec: v1spec, status: v1status };
}

/** autoscaling/v1 → autoscaling/v2 (stored). */
export function hpaToV2(o: KObject): KObject {
  const spec = o.spec as J | undefined;
  const status = o.status as J | undefined;
  const given = o.metadata?.annotations ?? {};
  const others = parsed(given, METRICS_ANNOTATION);
  const current = parsed(given, CURRENT_METRICS_ANNOTATION);
  const conditions = parsed(given, CONDITIONS_ANNOTATION);
  const behavior = parsed(given, BEHAVIOR_ANNOTATION);
  const annotations = withoutRoundTrip(given, (k) => parsed(given, k) === undefined);
  let v2spec: J | undefined;
  if (spec) {
    const metrics = Array.isArray(others) ? others.map((m: J) => metricUp(m, "target")) : [];
    if (spec.targetCPUUtilizationPercentage !== undefined && spec.targetCPUUtilizationPercentage !== null) {
      metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: spec.targetCPUUtilizationPercentage } } });
    }
    v2spec = { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, metrics: metrics.length ? metrics : undefined, behavior };
  }
  let v2status: J | undefined;
  if (status) {
    let currentMetrics = Array.isArray(current) ? current.map((m: J) => metricUp(m, "current")) : undefined;
    if (!currentMetrics && status.currentCPUUtilizationPercentage !== undefined) {
      currentMetrics = [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
    }
    v2status = {
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas,
      currentMetrics,
      conditions: Array.isArray(conditions) ? conditions : undefined,
    };
  }
  return { ...o, apiVersion: "autoscaling/v2", metadata: { ...o.metadata, annotations: orUndefined(annotations) }, spec: v2spec, status: v2status };
}
