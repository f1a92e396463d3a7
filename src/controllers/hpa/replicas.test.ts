import { test } from "node:test";
import assert from "node:assert/strict";
import type { Pod } from "../common/pods.js";
import { calcReplicas } from "./replicas.js";
import { newHistory, normalize, recordScale } from "./normalize.js";

const NOW = Date.parse("2026-01-01T01:00:00Z");
const long = "2026-01-01T00:00:00Z";

function pod(name: string, o: { phase?: string; ready?: string; started?: string } = {}): Pod {
  const started = o.started ?? long;
  return {
    metadata: { name },
    spec: { containers: [{ name: "c", resources: { requests: { cpu: "200m" } } }] },
    status: { phase: o.phase ?? "Running", startTime: started, conditions: [{ type: "Ready", status: o.ready ?? "True", lastTransitionTime: started }] },
  };
}

const cpu = (entries: [string, number][]) => new Map(entries);

test("pods without metrics count as idle on a scale-up and at request on a scale-down", () => {
  const pods = [pod("a"), pod("b"), pod("c")];
  // a, b at 100% (target 50%), c unmeasured: (200+200+0)/600 = 66% → ratio 1.32 → ceil(3.96) = 4.
  assert.equal(calcReplicas(pods, cpu([["a", 200], ["b", 200]]), "cpu", { utilization: 50 }, 3, NOW).replicas, 4);
  // a, b at 10%, c unmeasured counts as 100%: (20+20+200)/600 = 40% → ratio 0.8 → ceil(2.4) = 3: no change.
  assert.equal(calcReplicas(pods, cpu([["a", 20], ["b", 20]]), "cpu", { utilization: 50 }, 3, NOW).replicas, 3);
});

test("pending and not-yet-ready pods are left out, then count as idle on a scale-up", () => {
  const pods = [pod("a"), pod("b"), pod("p", { phase: "Pending" }), pod("new", { ready: "False", started: "2026-01-01T00:58:00Z" })];
  const usage = cpu([["a", 200], ["b", 200], ["new", 400]]);
  const p = calcReplicas(pods, usage, "cpu", { utilization: 50 }, 4, NOW);
  assert.equal(p.utilization, 100, "reported from the ready pods only");
  // (200+200+0+0)/800 = 50%: exactly on target once the unready are counted idle.
  assert.equal(p.replicas, 4);
});

test("errors carry Kubernetes' messages", () => {
  assert.throws(() => calcReplicas([pod("a")], new Map(), "cpu", { utilization: 50 }, 1, NOW), /no metrics returned from resource metrics API/);
  assert.throws(() => calcReplicas([pod("a", { phase: "Pending" })], cpu([["a", 1]]), "cpu", { utilization: 50 }, 1, NOW), /did not receive metrics for targeted pods \(pods might be unready\)/);
  const noRequest: Pod = { metadata: { name: "x" }, spec: { containers: [{ name: "c" }] }, status: { phase: "Running" } };
  assert.throws(() => calcReplicas([noRequest], cpu([["x", 1]]), "memory", { utilization: 50 }, 1, NOW), /missing request for memory in container c of Pod x/);
});

test("behavior rate limits count the scale events of each policy's period", () => {
  const h = newHistory(10, NOW);
  const behavior = { scaleUp: { policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] } };
  // 10 → at most 15 in a minute.
  const first = normalize(h, behavior, 10, 40, 1, 100, NOW);
  assert.deepEqual(first.replicas, 15);
  assert.deepEqual(first.limited, [true, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate"]);
  recordScale(h, behavior, 10, 15, NOW);
  // 30 s later the minute started at 10: still at most 15.
  assert.equal(normalize(h, behavior, 15, 40, 1, 100, NOW + 30_000).replicas, 15);
  // A minute later the period starts at 15: up to 23.
  assert.equal(normalize(h, behavior, 15, 40, 1, 100, NOW + 61_000).replicas, 23);
});
