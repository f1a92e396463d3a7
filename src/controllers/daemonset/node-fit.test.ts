import { test } from "node:test";
import assert from "node:assert/strict";
import type { PodSpec } from "kubernetes-types/core/v1";
import { daemonTolerations, pinToNode, placement, targetNode } from "./node-fit.js";

const node = (name: string, labels: Record<string, string> = {}, taints: { key: string; value?: string; effect: string }[] = []) => ({ metadata: { name, labels }, spec: { taints } });
const spec = (extra: Partial<PodSpec> = {}): PodSpec => {
  const s: PodSpec = { containers: [{ name: "a" }], ...extra };
  return { ...s, tolerations: daemonTolerations(s) };
};

test("required node affinity and nodeSelector decide; an untolerated NoSchedule taint only stops new pods", () => {
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["a", "b"] }] }] } } };
  assert.deepEqual(placement(spec({ affinity }), node("n", { zone: "a" })), { shouldRun: true, shouldContinueRunning: true });
  assert.deepEqual(placement(spec({ affinity }), node("n", { zone: "c" })), { shouldRun: false, shouldContinueRunning: false });
  assert.deepEqual(placement(spec({ nodeSelector: { disk: "ssd" } }), node("n")), { shouldRun: false, shouldContinueRunning: false });
  assert.deepEqual(placement(spec({ nodeName: "other" }), node("n")), { shouldRun: false, shouldContinueRunning: false });
  assert.deepEqual(placement(spec(), node("n", {}, [{ key: "k", effect: "NoSchedule" }])), { shouldRun: false, shouldContinueRunning: true });
  assert.deepEqual(placement(spec(), node("n", {}, [{ key: "k", effect: "NoExecute" }])), { shouldRun: false, shouldContinueRunning: false });
  assert.deepEqual(placement(spec(), node("n", {}, [{ key: "node.kubernetes.io/not-ready", effect: "NoExecute" }])), { shouldRun: true, shouldContinueRunning: true });
  assert.deepEqual(placement(spec({ tolerations: [{ operator: "Exists" }] }), node("n", {}, [{ key: "k", value: "v", effect: "NoExecute" }])), { shouldRun: true, shouldContinueRunning: true });
});

test("daemon tolerations are added once; hostNetwork pods also tolerate network-unavailable", () => {
  const own = { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" };
  assert.equal(daemonTolerations({ containers: [], tolerations: [own] }).filter((t) => t.key === own.key).length, 1);
  assert.ok(!daemonTolerations({ containers: [] }).some((t) => t.key === "node.kubernetes.io/network-unavailable"));
  assert.ok(daemonTolerations({ containers: [], hostNetwork: true }).some((t) => t.key === "node.kubernetes.io/network-unavailable"));
});

test("pinning replaces the required terms; the target is the pinned node until bound", () => {
  const s: PodSpec = { containers: [], affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "Exists" }] }] }, preferredDuringSchedulingIgnoredDuringExecution: [] } } };
  pinToNode(s, "n7");
  assert.deepEqual(s.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: ["n7"] }] }] });
  assert.deepEqual(s.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution, []);
  assert.equal(targetNode(s), "n7");
  assert.equal(targetNode({ ...s, nodeName: "n8" }), "n8");
  assert.equal(targetNode({ containers: [] }), undefined);
});
