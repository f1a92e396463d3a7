import { test } from "node:test";
import assert from "node:assert/strict";
import { runtimeClass } from "./runtimeclass.js";
import { attrs, FakeNamespace, pod } from "./testing.js";
import { ApiError } from "../apimachinery/status.js";
import type { KObject } from "../registry/types.js";
import { podTotal, podSpec } from "./pod-resources.js";
import { canonicalQuantity, type Quantity } from "../apimachinery/quantity.js";

const str = (x: Quantity | undefined) => (x ? canonicalQuantity(x) : undefined);

const gvisor: KObject = {
  metadata: { name: "gvisor" },
  handler: "runsc",
  overhead: { podFixed: { cpu: "250m", memory: "120Mi" } },
  scheduling: { nodeSelector: { "runtime/gvisor": "yes" }, tolerations: [{ key: "sandboxed", operator: "Exists", effect: "NoSchedule" }] },
};
const admit = (ns: FakeNamespace, p: KObject) => {
  runtimeClass.admit!(attrs("pods", p), ns);
  runtimeClass.validate!(attrs("pods", p), ns);
  return p.spec as { overhead?: Record<string, string>; nodeSelector?: Record<string, string>; tolerations?: unknown[] };
};
const refusal = (ns: FakeNamespace, p: KObject) => {
  try {
    admit(ns, p);
  } catch (e) {
    assert.ok(e instanceof ApiError && e.code === 403);
    return e.message;
  }
  assert.fail("expected 403");
};

test("a pod naming a RuntimeClass takes its overhead and scheduling", () => {
  const ns = new FakeNamespace();
  ns.runtime = [gvisor];
  const spec = admit(ns, pod("sandboxed", [{ name: "c" }], { runtimeClassName: "gvisor", nodeSelector: { zone: "a" }, tolerations: [{ key: "sandboxed", operator: "Exists", effect: "NoSchedule" }] }));
  assert.deepEqual(spec.overhead, { cpu: "250m", memory: "120Mi" });
  assert.deepEqual(spec.nodeSelector, { zone: "a", "runtime/gvisor": "yes" });
  assert.equal(spec.tolerations?.length, 1, "a toleration already there is not added twice");
  // A pod without a class is left alone.
  assert.deepEqual(admit(ns, pod("plain", [{ name: "c" }])), { containers: [{ name: "c" }] });
});

test("refusals: an unknown class, a contradicting overhead or nodeSelector, an overhead without a class", () => {
  const ns = new FakeNamespace();
  ns.runtime = [gvisor, { metadata: { name: "plain" }, handler: "runc" }];
  assert.equal(refusal(ns, pod("p", [{ name: "c" }], { runtimeClassName: "kata" })), 'pods "p" is forbidden: pod rejected: RuntimeClass "kata" not found');
  assert.match(refusal(ns, pod("p", [{ name: "c" }], { runtimeClassName: "gvisor", overhead: { cpu: "1" } })), /pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead/);
  assert.match(refusal(ns, pod("p", [{ name: "c" }], { runtimeClassName: "gvisor", nodeSelector: { "runtime/gvisor": "no" } })), /conflict: runtimeClass.scheduling.nodeSelector\[runtime\/gvisor\] = yes; pod.spec.nodeSelector\[runtime\/gvisor\] = no/);
  assert.match(refusal(ns, pod("p", [{ name: "c" }], { overhead: { cpu: "1" } })), /pod rejected: Pod Overhead set without corresponding RuntimeClass defined Overhead/);
  assert.match(refusal(ns, pod("p", [{ name: "c" }], { runtimeClassName: "plain", overhead: { cpu: "1" } })), /Pod Overhead set without corresponding RuntimeClass defined Overhead/);
});

test("quota counts the overhead: on every request, and on the limits of resources the containers limit", () => {
  const p = pod("p", [{ name: "c", resources: { requests: { cpu: "100m" }, limits: { cpu: "200m" } } }], { overhead: { cpu: "250m", memory: "120Mi" } });
  const requests = podTotal(podSpec(p), "requests", { overhead: true });
  const limits = podTotal(podSpec(p), "limits", { overhead: true });
  assert.equal(str(requests.get("cpu")), "350m");
  assert.equal(str(requests.get("memory")), "120Mi");
  assert.equal(str(limits.get("cpu")), "450m");
  assert.equal(limits.get("memory"), undefined, "memory is not limited: no limit to add to");
  assert.equal(str(podTotal(podSpec(p), "requests").get("cpu")), "100m", "LimitRange sees the containers only");
});
