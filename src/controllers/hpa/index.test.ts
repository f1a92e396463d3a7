import { test } from "node:test";
import assert from "node:assert/strict";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2";
import { FakeCluster } from "../fake.js";
import { rfc3339 } from "../common/time.js";
import type { KObject } from "../../registry/types.js";
import { addPod } from "../common/testing.js";
import { hpaController, type PodUsage } from "./index.js";

const HPAS = "horizontalpodautoscalers.autoscaling";
const resources = { requests: { cpu: "200m", memory: "128Mi" } };

async function setup(hpaSpec: Record<string, unknown> = {}, initialReplicas = 2) {
  const f = new FakeCluster();
  const usage = new Map<string, PodUsage>();
  const c = hpaController({ metrics: async (_ns, pod) => usage.get(pod) });
  await f.create("deployments.apps", {
    metadata: { name: "web", namespace: "default" },
    spec: { replicas: initialReplicas, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "nginx", resources }] } } },
  });
  await f.create(HPAS, {
    metadata: { name: "web", namespace: "default" },
    spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 1, maxReplicas: 10, metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }], ...hpaSpec },
  });
  /** Pods for the deployment's current size, each using cpuMilli. */
  const load = async (cpuMilli: number, memoryBytes = 64 * 1024 * 1024) => {
    const want = (f.get("deployments.apps", "default", "web")!.spec as { replicas: number }).replicas;
    for (let i = 0; i < want; i++) {
      const name = `web-${i}`;
      if (!f.get("pods", "default", name)) {
        const started = rfc3339(f.clock - 600_000);
        await addPod(f, {
          metadata: { name, namespace: "default", labels: { app: "web" } },
          spec: { nodeName: "n1", containers: [{ name: "c", image: "nginx", resources }] },
          status: { phase: "Running", startTime: started, conditions: [{ type: "Ready", status: "True", lastTransitionTime: started }] },
        });
      }
      usage.set(name, { cpuMilli, memoryBytes });
    }
    for (const p of f.list("pods", "default").slice(want)) {
      await f.delete("pods", "default", p.metadata.name!);
      usage.delete(p.metadata.name!);
    }
  };
  const sync = () => c.reconcile({ namespace: "default", name: "web" }, f.context());
  const replicas = () => (f.get("deployments.apps", "default", "web")!.spec as { replicas: number }).replicas;
  const hpa = () => f.get(HPAS, "default", "web") as unknown as HorizontalPodAutoscaler;
  const condition = (type: string) => hpa().status!.conditions!.find((x) => x.type === type)!;
  return { f, c, usage, load, sync, replicas, hpa, condition };
}

test("scales up on cpu utilization above target, with status, conditions and event", async () => {
  const t = await setup();
  await t.load(200); // 100% of request, target 50%
  assert.deepEqual(await t.sync(), { requeueAfterMs: 15_000 });
  assert.equal(t.replicas(), 4);
  assert.ok(t.f.events.some((e) => e.reason === "SuccessfulRescale" && e.message === "New size: 4; reason: cpu resource utilization (percentage of request) above target"));
  const st = t.hpa().status!;
  assert.equal(st.currentReplicas, 2);
  assert.equal(st.desiredReplicas, 4);
  assert.equal(st.lastScaleTime, rfc3339(t.f.clock));
  assert.deepEqual(st.currentMetrics, [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 100, averageValue: "200m" } } }]);
  assert.equal(t.condition("AbleToScale").reason, "SucceededRescale");
  assert.equal(t.condition("ScalingActive").reason, "ValidMetricFound");
  assert.deepEqual([t.condition("ScalingLimited").status, t.condition("ScalingLimited").reason], ["False", "DesiredWithinRange"]);

  // Looked at again within the sync period: nothing happens.
  t.f.clock += 5_000;
  const writes = t.f.writes.length;
  assert.deepEqual(await t.sync(), { requeueAfterMs: 10_000 });
  assert.equal(t.f.writes.length, writes);
});

test("no change within the 10% tolerance; the scale-up rate is limited to max(2x, 4)", async () => {
  const t = await setup();
  await t.load(108); // 54% against 50%
  await t.sync();
  assert.equal(t.replicas(), 2);
  assert.equal(t.hpa().status!.desiredReplicas, 2);
  t.f.clock += 15_000;
  const writes = t.f.writes.length;
  await t.sync();
  assert.equal(t.f.writes.length, writes, "unchanged: no status write either");

  await t.load(1000); // 500%
  t.f.clock += 15_000;
  await t.sync();
  assert.equal(t.replicas(), 4);
  assert.deepEqual([t.condition("ScalingLimited").status, t.condition("ScalingLimited").reason], ["True", "ScaleUpLimit"]);
});

test("scale-down waits out the 5 minute stabilization window", async () => {
  const t = await setup({}, 4);
  await t.load(100); // 50%: on target
  await t.sync();
  assert.equal(t.replicas(), 4);
  await t.load(20); // 10%: one pod would do
  for (let i = 0; i < 19; i++) {
    t.f.clock += 15_000;
    await t.sync();
    assert.equal(t.replicas(), 4, `still stabilizing after ${(i + 1) * 15} s`);
  }
  assert.equal(t.condition("AbleToScale").reason, "ScaleDownStabilized");
  t.f.clock += 16_000; // 301 s after the last recommendation of 4
  await t.sync();
  assert.equal(t.replicas(), 1);
  assert.ok(t.f.events.some((e) => e.message === "New size: 1; reason: All metrics below target"));
});

test("behavior: scale down one pod per minute, no stabilization", async () => {
  const t = await setup({ behavior: { scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } } }, 4);
  await t.load(10);
  await t.sync();
  assert.equal(t.replicas(), 3);
  await t.load(10);
  t.f.clock += 15_000;
  await t.sync();
  assert.equal(t.replicas(), 3);
  assert.equal(t.condition("ScalingLimited").reason, "ScaleDownLimit");
  t.f.clock += 46_000;
  await t.sync();
  assert.equal(t.replicas(), 2);
});

test("memory AverageValue target; min and max bound the result", async () => {
  const t = await setup({ maxReplicas: 3, metrics: [{ type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "100Mi" } } }] });
  await t.load(0, 200 * 1024 * 1024);
  await t.sync();
  assert.equal(t.replicas(), 3);
  assert.equal(t.condition("ScalingLimited").reason, "TooManyReplicas");
  assert.deepEqual(t.hpa().status!.currentMetrics, [{ type: "Resource", resource: { name: "memory", current: { averageValue: "209715200" } } }]);
  assert.ok(t.f.events.some((e) => e.message === "New size: 3; reason: memory resource above target"));
});

test("a missing target or missing metrics are reported, not scaled on", async () => {
  const t = await setup({ scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "nope" } });
  await t.sync();
  assert.deepEqual([t.condition("AbleToScale").status, t.condition("AbleToScale").reason], ["False", "FailedGetScale"]);
  assert.ok(t.f.events.some((e) => e.reason === "FailedGetScale" && e.message === 'deployments.apps "nope" not found'));

  const u = await setup();
  await u.load(100);
  u.usage.clear();
  await u.sync();
  assert.equal(u.replicas(), 2);
  assert.deepEqual([u.condition("ScalingActive").status, u.condition("ScalingActive").reason], ["False", "FailedGetResourceMetric"]);
  assert.ok(
    u.f.events.some(
      (e) =>
        e.reason === "FailedComputeMetricsReplicas" &&
        e.message === "invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API",
    ),
  );
});

test("watches map targets and their pods to the HPA", async () => {
  const t = await setup();
  await t.load(100);
  const [deploy, , pods] = t.c.watches!;
  const key = [{ namespace: "default", name: "web" }];
  assert.deepEqual(deploy.map(t.f.get("deployments.apps", "default", "web")!, t.f), key);
  assert.deepEqual(pods.map(t.f.get("pods", "default", "web-0")!, t.f), key);
  assert.deepEqual(pods.map({ metadata: { name: "x", namespace: "default", labels: { app: "db" } } } as KObject, t.f), []);
});
