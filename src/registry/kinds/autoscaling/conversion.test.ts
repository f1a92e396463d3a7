import { test } from "node:test";
import assert from "node:assert/strict";
import type { KObject } from "../../types.js";
import { BEHAVIOR_ANNOTATION, CONDITIONS_ANNOTATION, CURRENT_METRICS_ANNOTATION, hpaToV1, hpaToV2, METRICS_ANNOTATION } from "./conversion.js";

const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };
const strip = (o: unknown) => JSON.parse(JSON.stringify(o));

// Every metric source v2 has, and cpu utilisation last (where converting back puts it).
const v2: KObject = {
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "web", namespace: "default", annotations: { team: "a" } },
  spec: {
    scaleTargetRef: ref,
    minReplicas: 2,
    maxReplicas: 9,
    metrics: [
      { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } } },
      { type: "ContainerResource", containerResource: { name: "cpu", container: "app", target: { type: "Utilization", averageUtilization: 70 } } },
      { type: "Pods", pods: { metric: { name: "qps", selector: { matchLabels: { a: "b" } } }, target: { type: "AverageValue", averageValue: "10" } } },
      { type: "Object", object: { describedObject: { kind: "Ingress", name: "main", apiVersion: "networking.k8s.io/v1" }, metric: { name: "rps" }, target: { type: "Value", value: "2k" } } },
      { type: "External", external: { metric: { name: "queue", selector: { matchLabels: { q: "jobs" } } }, target: { type: "AverageValue", averageValue: "30" } } },
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
    ],
    behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
  },
  status: {
    observedGeneration: 3,
    currentReplicas: 4,
    desiredReplicas: 5,
    currentMetrics: [
      { type: "Resource", resource: { name: "cpu", current: { averageUtilization: 81, averageValue: "405m" } } },
      { type: "Pods", pods: { metric: { name: "qps" }, current: { averageValue: "12" } } },
      { type: "External", external: { metric: { name: "queue" }, current: { value: "90", averageValue: "22" } } },
    ],
    conditions: [{ type: "AbleToScale", status: "True", reason: "ReadyForNewScale", message: "ok", lastTransitionTime: "2026-01-01T00:00:00Z" }],
  },
};

test("v2 → v1: cpu utilisation is targetCPUUtilizationPercentage, the rest travels in Kubernetes' annotations", () => {
  const v1 = strip(hpaToV1(v2));
  assert.equal(v1.apiVersion, "autoscaling/v1");
  assert.deepEqual(v1.spec, { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 9, targetCPUUtilizationPercentage: 50 });
  assert.deepEqual(v1.status, { observedGeneration: 3, currentReplicas: 4, desiredReplicas: 5, currentCPUUtilizationPercentage: 81 });
  const a = v1.metadata.annotations;
  assert.equal(a.team, "a");
  // The v1 MetricSpec shape (flat targets, metricName) as kube-apiserver writes it.
  assert.deepEqual(JSON.parse(a[METRICS_ANNOTATION]), [
    { type: "Resource", resource: { name: "memory", targetAverageValue: "100Mi" } },
    { type: "ContainerResource", containerResource: { name: "cpu", container: "app", targetAverageUtilization: 70 } },
    { type: "Pods", pods: { metricName: "qps", selector: { matchLabels: { a: "b" } }, targetAverageValue: "10" } },
    { type: "Object", object: { target: { kind: "Ingress", name: "main", apiVersion: "networking.k8s.io/v1" }, metricName: "rps", targetValue: "2k" } },
    { type: "External", external: { metricName: "queue", metricSelector: { matchLabels: { q: "jobs" } }, targetAverageValue: "30" } },
  ]);
  assert.deepEqual(JSON.parse(a[CURRENT_METRICS_ANNOTATION])[0], { type: "Resource", resource: { name: "cpu", currentAverageUtilization: 81, currentAverageValue: "405m" } });
  assert.deepEqual(JSON.parse(a[BEHAVIOR_ANNOTATION]), { scaleDown: { stabilizationWindowSeconds: 60 } });
  assert.equal(JSON.parse(a[CONDITIONS_ANNOTATION])[0].reason, "ReadyForNewScale");
});

test("v2 → v1 → v2 loses nothing, and v1 annotations do not leak into v2", () => {
  assert.deepEqual(strip(hpaToV2(hpaToV1(v2))), strip(v2));
});

test("what kubectl autoscale sends becomes a cpu Utilization metric", () => {
  const v1: KObject = { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "web" }, spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } };
  assert.deepEqual(strip(hpaToV2(v1)), {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "web" },
    spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }] },
  });
});

test("partial objects (apply configurations) stay partial; an annotation that does not parse stays an annotation", () => {
  const up = strip(hpaToV2({ apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "web", annotations: { [METRICS_ANNOTATION]: "not json" } }, spec: { maxReplicas: 3 } }));
  assert.deepEqual(up.spec, { maxReplicas: 3 });
  assert.equal(up.status, undefined);
  assert.deepEqual(up.metadata.annotations, { [METRICS_ANNOTATION]: "not json" });
  const down = strip(hpaToV1({ apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: "web" } }));
  assert.deepEqual(down, { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "web" } });
});
